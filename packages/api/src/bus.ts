import { EventEmitter } from 'node:events';
import type { ProjectEvent } from '@taskboard/schema';

export type EventListener = (event: ProjectEvent) => void;
export type Unsubscribe = () => void;

/**
 * Carries committed project events, and session revocations, to every API instance.
 * Delivery is best effort: a subscriber that misses a message learns of it (a gap in the
 * event chain, or a resync after a bus outage) and reads what it missed from the event log.
 */
export interface EventBus {
  /** Call only after the transaction that wrote the events has committed. */
  publish(events: readonly ProjectEvent[]): void;
  /** One project's events. */
  subscribeProject(projectId: string, listener: EventListener): Unsubscribe;
  /** Events addressed to one user (`recipientId`). */
  subscribeUser(userId: string, listener: EventListener): Unsubscribe;
  /** Called when messages may have been lost (the bus reconnected): re-read the log. */
  onResync(listener: () => void): Unsubscribe;
  /**
   * Whether the bus carries messages right now. While it does not, messages are lost: this
   * instance reads new events from the log instead (events/log-fallback.ts).
   */
  isHealthy(): boolean;
  onHealthChange(listener: (healthy: boolean) => void): Unsubscribe;
  /** Announces revoked sessions to every instance, this one included. */
  publishRevokedSessions(sessionIds: readonly string[]): void;
  onRevokedSessions(listener: (sessionIds: readonly string[]) => void): Unsubscribe;
  close(): Promise<void>;
}

export const projectChannel = (projectId: string) => `events:project:${projectId}`;
export const userChannel = (userId: string) => `events:user:${userId}`;
export const RESYNC_CHANNEL = 'events:resync';
export const REVOKED_CHANNEL = 'sessions:revoked';

/** Fans messages out to this instance's listeners: events by channel, resyncs, revocations. */
export function createLocalFanOut() {
  const emitter = new EventEmitter();
  // One listener per open subscription: thousands are normal here, not a leak.
  emitter.setMaxListeners(0);
  function on(name: string, listener: EventListener): Unsubscribe;
  function on(name: string, listener: (sessionIds: readonly string[]) => void): Unsubscribe;
  function on(name: string, listener: () => void): Unsubscribe;
  function on(name: string, listener: (message: ProjectEvent & readonly string[]) => void) {
    emitter.on(name, listener);
    return () => {
      emitter.off(name, listener);
    };
  }
  return {
    onEvent: (channel: string, listener: EventListener) => on(channel, listener),
    emitEvent: (channel: string, event: ProjectEvent) => emitter.emit(channel, event),
    onResync: (listener: () => void) => on(RESYNC_CHANNEL, listener),
    emitResync: () => emitter.emit(RESYNC_CHANNEL),
    onRevoked: (listener: (sessionIds: readonly string[]) => void) => on(REVOKED_CHANNEL, listener),
    emitRevoked: (sessionIds: readonly string[]) => emitter.emit(REVOKED_CHANNEL, sessionIds),
    listenerCount: (channel: string) => emitter.listenerCount(channel),
  };
}

/** Channels an event goes to: its project's, and its recipient's when it has one. */
export function channelsOf(event: ProjectEvent): string[] {
  return event.recipientId === null
    ? [projectChannel(event.projectId)]
    : [projectChannel(event.projectId), userChannel(event.recipientId)];
}

/**
 * The fan-out of every in-process bus of this process. A deployment without Redis is one
 * instance, but instances built in one process (tests share one embedded database between
 * several) are instances of one deployment all the same: like instances sharing a Redis, they
 * must see each other's events and revocations.
 */
const processFanOut = createLocalFanOut();

/** The embedded default: one process, no Redis, nothing to lose. */
export function createInProcessBus(): EventBus {
  const local = processFanOut;
  // This instance's own listeners, dropped on close (the fan-out outlives the instance).
  const owned = new Set<Unsubscribe>();
  const own = (unsubscribe: Unsubscribe): Unsubscribe => {
    owned.add(unsubscribe);
    return () => {
      owned.delete(unsubscribe);
      unsubscribe();
    };
  };
  return {
    publish(events) {
      for (const event of events) {
        for (const channel of channelsOf(event)) local.emitEvent(channel, event);
      }
    },
    subscribeProject: (projectId, listener) =>
      own(local.onEvent(projectChannel(projectId), listener)),
    subscribeUser: (userId, listener) => own(local.onEvent(userChannel(userId), listener)),
    onResync: (listener) => own(local.onResync(listener)),
    publishRevokedSessions(sessionIds) {
      local.emitRevoked(sessionIds);
    },
    onRevokedSessions: (listener) => own(local.onRevoked(listener)),
    // Nothing between the publisher and the listeners can fail.
    isHealthy: () => true,
    onHealthChange: () => () => undefined,
    close() {
      for (const unsubscribe of owned) unsubscribe();
      owned.clear();
      return Promise.resolve();
    },
  };
}
