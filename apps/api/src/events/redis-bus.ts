import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { projectEventSchema } from '@taskboard/schema';
import { closeRedis, createOutageWarning } from '../redis';
import {
  channelsOf,
  createLocalFanOut,
  projectChannel,
  RESYNC_CHANNEL,
  REVOKED_CHANNEL,
  userChannel,
  type EventBus,
  type EventListener,
  type Unsubscribe,
} from '@taskboard/api/host';

type Log = Pick<FastifyBaseLogger, 'warn' | 'info'>;

const revokedSchema = z.array(z.string());

/** How often both connections are pinged: a hung Redis (SIGSTOP) closes nothing. */
const BUS_HEARTBEAT_MS = 500;
/** A ping unanswered this long marks the bus unhealthy (the log is read meanwhile). */
const BUS_HEARTBEAT_TIMEOUT_MS = 1_000;
/**
 * A peer instance unheard for this long may be cut off from Redis: what it publishes is lost
 * to us, so this instance reads the log meanwhile (it is in the log). About 2.5 heartbeats.
 */
const PEER_SILENT_MS = 1_250;
/** A peer unheard for this long (it crashed, or was stopped without saying so) is forgotten. */
const PEER_FORGET_MS = 60_000;
/** Heartbeats: each instance announces itself, so the others can tell when it goes silent. */
const ALIVE_CHANNEL = 'bus:alive';
const aliveSchema = z.object({ id: z.string(), leaving: z.boolean().optional() });
/** Revocations kept for re-sending while Redis cannot be reached; the periodic session re-check covers any beyond. */
const MAX_PENDING_REVOCATIONS = 10_000;

export interface RedisBusOptions {
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  peerSilentMs?: number;
}

/**
 * The event bus across API instances: Redis pub/sub, one channel per project and one per
 * user, subscribed while this instance has a listener on it. Pub/sub loses what is published
 * while a connection is down, so the bus tracks its health (connection state, a heartbeat
 * on both connections, failed publishes, and whether every peer instance is still heard:
 * one cut off from Redis publishes into the void): while unhealthy, the log fallback reads new
 * events from the database; once healthy again, every instance that may have missed messages
 * is told to resync (its subscriptions re-read the event log from the last id they
 * delivered), and revocations that could not be announced are announced then.
 */
export function createRedisBus(
  redis: Redis,
  prefix: string,
  log: Log,
  options: RedisBusOptions = {},
): EventBus {
  const heartbeatMs = options.heartbeatMs ?? BUS_HEARTBEAT_MS;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? BUS_HEARTBEAT_TIMEOUT_MS;
  const peerSilentMs = options.peerSilentMs ?? PEER_SILENT_MS;
  const instanceId = randomUUID();
  /** Peer instance id → when its last heartbeat arrived. */
  const peers = new Map<string, number>();
  const local = createLocalFanOut();
  // A connection in subscriber mode can do nothing else: it gets its own.
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined); // the main connection already reports outages
  const key = (channel: string) => `${prefix}${channel}`;
  const subscribed = new Set<string>();
  const warnPublishFailed = createOutageWarning(log, 'bus publish failed; subscribers will resync');

  subscriber.on('message', (fullChannel: string, message: string) => {
    const channel = fullChannel.slice(prefix.length);
    try {
      const parsed: unknown = JSON.parse(message);
      if (channel === ALIVE_CHANNEL) heardPeer(aliveSchema.parse(parsed));
      else if (channel === RESYNC_CHANNEL) local.emitResync();
      else if (channel === REVOKED_CHANNEL) local.emitRevoked(revokedSchema.parse(parsed));
      else local.emitEvent(channel, projectEventSchema.parse(parsed));
    } catch (error) {
      log.warn({ channel, err: error }, 'ignored a malformed bus message');
    }
  });

  // Health: messages flow only while the subscriber is subscribed and both connections answer.
  let subscriberReady = false;
  let subscriberAnswers = true;
  let publisherAnswers = true;
  let peersHeard = true;
  let healthy = false;
  /** A publish failed: other instances missed events and must be told to resync. */
  let othersMissedEvents = false;
  const pendingRevocations = new Set<string>();
  const healthListeners = new Set<(healthy: boolean) => void>();

  function updateHealth() {
    const now = subscriberReady && subscriberAnswers && publisherAnswers && peersHeard;
    if (now === healthy) return;
    healthy = now;
    if (now) recovered();
    for (const listener of healthListeners) listener(now);
  }

  /** Back after an outage: whatever was published meanwhile is lost, so catch up from the log. */
  function recovered() {
    local.emitResync();
    if (othersMissedEvents) {
      othersMissedEvents = false;
      redis.publish(key(RESYNC_CHANNEL), 'null').catch(() => {
        othersMissedEvents = true;
      });
    }
    resendRevocations();
  }

  function resendRevocations() {
    if (pendingRevocations.size === 0) return;
    const ids = [...pendingRevocations];
    pendingRevocations.clear();
    send(REVOKED_CHANNEL, ids, () => {
      for (const id of ids) rememberRevocation(id);
    });
  }

  function rememberRevocation(id: string) {
    pendingRevocations.add(id);
    if (pendingRevocations.size <= MAX_PENDING_REVOCATIONS) return;
    const oldest = pendingRevocations.values().next();
    if (!oldest.done) pendingRevocations.delete(oldest.value);
  }

  subscriber.on('close', () => {
    subscriberReady = false;
    updateHealth();
  });
  subscriber.on('ready', () => {
    // Subscribed again first, so that nothing newer can slip between the resync and live.
    void subscribeAll().then((ok) => {
      subscriberReady = ok && subscriber.status === 'ready';
      updateHealth();
    });
  });

  function heardPeer(message: z.infer<typeof aliveSchema>) {
    if (message.id === instanceId) return;
    if (message.leaving) peers.delete(message.id);
    else peers.set(message.id, performance.now());
  }

  /** Whether every peer heard lately is still heard; the long silent ones are forgotten. */
  function everyPeerHeard(): boolean {
    const at = performance.now();
    let heard = true;
    for (const [id, lastAt] of peers) {
      if (at - lastAt > PEER_FORGET_MS) peers.delete(id);
      else if (at - lastAt > peerSilentMs) heard = false;
    }
    return heard;
  }

  const announce = (leaving = false) =>
    redis.publish(key(ALIVE_CHANNEL), JSON.stringify({ id: instanceId, leaving }));

  /** Runs a round trip; answers whether it replied in time. */
  async function answers(roundTrip: () => Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, heartbeatTimeoutMs);
    });
    try {
      return await Promise.race([
        roundTrip().then(
          () => true,
          () => false,
        ),
        late,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = true;
    // The main connection's round trip is this instance's own heartbeat to the others.
    void Promise.all([answers(() => subscriber.ping()), answers(() => announce())]).then(
      ([sub, main]) => {
        beating = false;
        subscriberAnswers = sub;
        publisherAnswers = main;
        peersHeard = everyPeerHeard();
        updateHealth();
        if (healthy) resendRevocations();
      },
    );
  }, heartbeatMs);
  heartbeat.unref();

  async function subscribeAll(): Promise<boolean> {
    const channels = [...subscribed].map(key);
    if (channels.length === 0) return true;
    return subscriber.subscribe(...channels).then(
      () => true,
      () => false,
    );
  }

  function listen(channel: string, listener: EventListener): Unsubscribe {
    const stop = local.onEvent(channel, listener);
    if (!subscribed.has(channel)) {
      subscribed.add(channel);
      // During an outage this fails; subscribeAll() on reconnect covers it.
      subscriber.subscribe(key(channel)).catch(() => undefined);
    }
    return () => {
      stop();
      if (local.listenerCount(channel) === 0 && subscribed.delete(channel)) {
        subscriber.unsubscribe(key(channel)).catch(() => undefined);
      }
    };
  }

  function send(channel: string, message: unknown, onFailure: () => void = () => undefined) {
    redis.publish(key(channel), JSON.stringify(message)).catch((error: unknown) => {
      othersMissedEvents = true;
      publisherAnswers = false;
      onFailure();
      updateHealth();
      warnPublishFailed(error, { channel });
    });
  }

  // Always listening: these channels concern every instance.
  for (const channel of [ALIVE_CHANNEL, RESYNC_CHANNEL, REVOKED_CHANNEL]) subscribed.add(channel);

  return {
    publish(events) {
      for (const event of events) {
        for (const channel of channelsOf(event)) send(channel, event);
      }
    },
    subscribeProject: (projectId, listener: EventListener) =>
      listen(projectChannel(projectId), listener),
    subscribeUser: (userId, listener: EventListener) => listen(userChannel(userId), listener),
    onResync: local.onResync,
    publishRevokedSessions(sessionIds) {
      if (sessionIds.length === 0) return;
      // Closed here at once even if Redis is down; the others learn through Redis, now or,
      // if it cannot be reached, once it answers again.
      local.emitRevoked(sessionIds);
      send(REVOKED_CHANNEL, sessionIds, () => {
        for (const id of sessionIds) rememberRevocation(id);
      });
    },
    onRevokedSessions: local.onRevoked,
    isHealthy: () => healthy,
    onHealthChange(listener) {
      healthListeners.add(listener);
      return () => {
        healthListeners.delete(listener);
      };
    },
    async close() {
      clearInterval(heartbeat);
      healthListeners.clear();
      // So that the others do not take this instance's silence for a cut-off.
      if (healthy) await answers(() => announce(true));
      await closeRedis(subscriber);
    },
  };
}
