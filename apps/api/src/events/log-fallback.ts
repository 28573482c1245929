import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import * as db from '@taskboard/db';
import type { ProjectEvent } from '@taskboard/schema';
import { createOutageWarning } from '../redis';
import type { EventBus, EventListener, Unsubscribe } from '@taskboard/api/host';

/** Where the log fallback reads: the event log of the database. */
export interface EventLogReader {
  projectEventsAfter(projectId: string, afterId: number, limit: number): Promise<ProjectEvent[]>;
  latestProjectEventId(projectId: string): Promise<number>;
  recipientEventsAfter(userId: string, afterId: number, limit: number): Promise<ProjectEvent[]>;
  latestRecipientEventId(userId: string): Promise<number>;
}

export function databaseEventLog(database: Kysely<db.Database>): EventLogReader {
  return {
    projectEventsAfter: (projectId, afterId, limit) =>
      db.listProjectEventsAfter(database, projectId, afterId, limit),
    latestProjectEventId: (projectId) => db.latestProjectEventId(database, projectId),
    recipientEventsAfter: (userId, afterId, limit) =>
      db.listRecipientEventsAfter(database, userId, afterId, limit),
    latestRecipientEventId: (userId) => db.latestRecipientEventId(database, userId),
  };
}

export interface LogFallbackOptions {
  /** How often each followed stream's log is read while the bus is unhealthy. Default 500 ms. */
  pollMs?: number;
}

const LOG_POLL_MS = 500;
const PAGE = 500;

interface Stream {
  listeners: Set<EventListener>;
  stopBus: Unsubscribe;
  /** The newest event id handed to the listeners; null: not known (read it before polling). */
  cursor: number | null;
  readAfter(afterId: number): Promise<ProjectEvent[]>;
  latest(): Promise<number>;
}

/**
 * Live delivery through a bus outage: while the bus is unhealthy, this instance reads each
 * followed stream (one project's or one user's events) from the log every `pollMs` (one
 * query per stream and instance, however many subscriptions follow it) and hands new events
 * to the stream's listeners as the bus would. Subscriptions drop duplicates by id and read
 * any gap themselves (`previousId`), so events arriving both ways, or the switch back to
 * the bus (which resyncs every subscription), neither double nor lose one.
 */
export function withLogFallback(
  bus: EventBus,
  log: EventLogReader,
  logger: Pick<FastifyBaseLogger, 'warn'>,
  options: LogFallbackOptions = {},
): EventBus {
  const pollMs = options.pollMs ?? LOG_POLL_MS;
  const streams = new Map<string, Stream>();
  const resyncListeners = new Set<() => void>();
  const warnReadFailed = createOutageWarning(
    logger,
    'event log read failed while the bus is down; retrying',
  );
  let timer: NodeJS.Timeout | null = null;
  let polling = false;

  function follow(
    name: string,
    subscribe: (listener: EventListener) => Unsubscribe,
    readAfter: Stream['readAfter'],
    latest: Stream['latest'],
    listener: EventListener,
  ): Unsubscribe {
    let stream = streams.get(name);
    if (!stream) {
      const created: Stream = {
        listeners: new Set(),
        cursor: null,
        readAfter,
        latest,
        stopBus: () => undefined,
      };
      created.stopBus = subscribe((event) => {
        // While polling, the cursor moves only with what was read: a bus message that made it
        // through must not skip the ones before it that did not.
        if (!timer && (created.cursor === null || event.id > created.cursor)) {
          created.cursor = event.id;
        }
        for (const each of created.listeners) each(event);
      });
      streams.set(name, created);
      stream = created;
    }
    const current = stream;
    current.listeners.add(listener);
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && streams.get(name) === current) {
        streams.delete(name);
        current.stopBus();
      }
    };
  }

  async function pollStream(stream: Stream): Promise<boolean> {
    if (stream.cursor === null) {
      stream.cursor = await stream.latest();
      // Events up to here are not polled: the subscriptions read them (resync below).
      return true;
    }
    for (;;) {
      const page = await stream.readAfter(stream.cursor);
      for (const event of page) {
        stream.cursor = event.id;
        for (const each of stream.listeners) each(event);
      }
      if (page.length < PAGE) return false;
    }
  }

  async function pollAll() {
    if (polling) return;
    polling = true;
    try {
      const established = await Promise.all(
        [...streams.values()].map((stream) =>
          pollStream(stream).catch((error: unknown) => {
            warnReadFailed(error);
            return false;
          }),
        ),
      );
      // A stream whose cursor was only now read may have had events lost between the bus
      // going down and that read: its subscriptions re-read their own gap.
      if (established.includes(true)) for (const listener of resyncListeners) listener();
    } finally {
      polling = false;
    }
  }

  function onHealth(healthy: boolean) {
    if (healthy) {
      if (timer) clearInterval(timer);
      timer = null;
      return;
    }
    if (timer) return;
    // The bus may have lost messages before it was found unhealthy: the cursor it moved is
    // only as good as the subscriptions' gap checks, so it is kept, and unknown ones are read.
    timer = setInterval(() => void pollAll(), pollMs);
    timer.unref();
    void pollAll();
  }
  const stopHealth = bus.onHealthChange(onHealth);
  if (!bus.isHealthy()) onHealth(false);
  const stopResync = bus.onResync(() => {
    for (const listener of resyncListeners) listener();
  });

  return {
    ...bus,
    subscribeProject: (projectId, listener) =>
      follow(
        `project:${projectId}`,
        (push) => bus.subscribeProject(projectId, push),
        (afterId) => log.projectEventsAfter(projectId, afterId, PAGE),
        () => log.latestProjectEventId(projectId),
        listener,
      ),
    subscribeUser: (userId, listener) =>
      follow(
        `user:${userId}`,
        (push) => bus.subscribeUser(userId, push),
        (afterId) => log.recipientEventsAfter(userId, afterId, PAGE),
        () => log.latestRecipientEventId(userId),
        listener,
      ),
    onResync(listener) {
      resyncListeners.add(listener);
      return () => {
        resyncListeners.delete(listener);
      };
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      stopHealth();
      stopResync();
      for (const stream of streams.values()) stream.stopBus();
      streams.clear();
      return bus.close();
    },
  };
}
