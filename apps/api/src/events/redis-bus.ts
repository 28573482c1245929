import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { projectEventSchema } from '@taskboard/schema';
import { closeRedis } from '../redis';
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
} from './bus';

type Log = Pick<FastifyBaseLogger, 'warn' | 'info'>;

const revokedSchema = z.array(z.string());

/**
 * The event bus across API instances: Redis pub/sub, one channel per project and one per
 * user, subscribed while this instance has a listener on it. Pub/sub loses what is published
 * while a connection is down, so after an outage every instance is told to resync: its
 * subscriptions re-read the event log from the last id they delivered.
 */
export function createRedisBus(redis: Redis, prefix: string, log: Log): EventBus {
  const local = createLocalFanOut();
  // A connection in subscriber mode can do nothing else: it gets its own.
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined); // the main connection already reports outages
  const key = (channel: string) => `${prefix}${channel}`;
  const subscribed = new Set<string>();

  subscriber.on('message', (fullChannel: string, message: string) => {
    const channel = fullChannel.slice(prefix.length);
    try {
      const parsed: unknown = JSON.parse(message);
      if (channel === RESYNC_CHANNEL) local.emitResync();
      else if (channel === REVOKED_CHANNEL) local.emitRevoked(revokedSchema.parse(parsed));
      else local.emitEvent(channel, projectEventSchema.parse(parsed));
    } catch (error) {
      log.warn({ channel, err: error }, 'ignored a malformed bus message');
    }
  });

  let subscriberWasDown = false;
  subscriber.on('close', () => {
    subscriberWasDown = true;
  });
  subscriber.on('ready', () => {
    const catchUp = subscriberWasDown;
    subscriberWasDown = false;
    // Whatever was published while this connection was down is lost: once subscribed again
    // (so nothing newer can slip between), subscriptions catch up from the log.
    void subscribeAll().then(() => {
      if (catchUp) local.emitResync();
    });
  });

  // A publish that failed left every instance short of some events: once Redis answers again,
  // tell them all to resync.
  let publishFailed = false;
  redis.on('ready', () => {
    if (!publishFailed) return;
    publishFailed = false;
    redis.publish(key(RESYNC_CHANNEL), 'null').catch(() => {
      publishFailed = true;
    });
  });

  async function subscribeAll() {
    const channels = [...subscribed].map(key);
    if (channels.length > 0) await subscriber.subscribe(...channels).catch(() => undefined);
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

  function send(channel: string, message: unknown) {
    redis.publish(key(channel), JSON.stringify(message)).catch((error: unknown) => {
      publishFailed = true;
      log.warn({ channel, err: error }, 'bus publish failed; subscribers will resync');
    });
  }

  // Always listening: these channels concern every instance.
  for (const channel of [RESYNC_CHANNEL, REVOKED_CHANNEL]) subscribed.add(channel);
  void subscribeAll();

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
      // Closed here at once even if Redis is down; the others learn through Redis.
      local.emitRevoked(sessionIds);
      send(REVOKED_CHANNEL, sessionIds);
    },
    onRevokedSessions: local.onRevoked,
    close: () => closeRedis(subscriber),
  };
}
