import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { listLiveSessionIds, type Database } from '@taskboard/db';
import type { EventBus } from '@taskboard/api/host';
import { createOutageWarning } from '../redis';
import type { ConnectionRegistry } from './connections';

export interface SessionRecheckDeps {
  db: Kysely<Database>;
  registry: ConnectionRegistry;
  bus: EventBus;
  now: () => Date;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** How often every live connection's session is checked against the database. */
  intervalMs: number;
}

/** Ids per query: a bounded `in (…)` list. */
const CHUNK = 1_000;

/**
 * Checks the sessions of this instance's live connections against the database every
 * `intervalMs`, and at once after every bus resync (revocation announcements may have been
 * lost with the bus): a session that is gone or expired has its connections closed (4401),
 * whether or not its revocation was ever heard here. Where it cannot tell (the database does
 * not answer), it fails closed: a session not confirmed for two intervals has its connections
 * closed with 1013, and the client reconnects (and authenticates anew) when it can.
 */
export function startSessionRecheck(deps: SessionRecheckDeps): () => void {
  const { db, registry, bus, now, log, intervalMs } = deps;
  const warnFailed = createOutageWarning(log, 'live session re-check failed; retrying');
  /** Session id → when it was last confirmed alive (first seen counts: it was just validated). */
  const confirmedAt = new Map<string, number>();
  let running: Promise<void> | null = null;
  let again = false;

  async function recheck() {
    const ids = registry.openSessionIds();
    const open = new Set(ids);
    const at = performance.now();
    for (const id of confirmedAt.keys()) if (!open.has(id)) confirmedAt.delete(id);
    for (const id of ids) if (!confirmedAt.has(id)) confirmedAt.set(id, at);
    try {
      const alive = new Set<string>();
      for (let start = 0; start < ids.length; start += CHUNK) {
        for (const id of await listLiveSessionIds(db, ids.slice(start, start + CHUNK), now())) {
          alive.add(id);
        }
      }
      const ended = ids.filter((id) => !alive.has(id));
      for (const id of alive) confirmedAt.set(id, at);
      if (ended.length > 0) registry.closeSessions(ended);
    } catch (error) {
      warnFailed(error);
      const stale = ids.filter((id) => at - (confirmedAt.get(id) ?? at) > 2 * intervalMs);
      if (stale.length > 0) registry.closeUnconfirmed(stale);
    }
  }

  function run() {
    if (running) {
      again = true;
      return;
    }
    running = recheck().finally(() => {
      running = null;
      if (again) {
        again = false;
        run();
      }
    });
  }

  const timer = setInterval(run, intervalMs);
  timer.unref();
  const stopResync = bus.onResync(run);
  return () => {
    clearInterval(timer);
    stopResync();
  };
}
