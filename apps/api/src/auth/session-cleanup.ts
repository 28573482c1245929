import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { deleteExpiredSessions, type Database } from '@taskboard/db';

const CLEANUP_INTERVAL_MS = 60 * 60_000;

/**
 * Deletes expired sessions hourly. Validation already refuses them; this keeps sessions that
 * are never presented again from piling up. Every instance may run it: the delete is idempotent.
 */
export function scheduleSessionCleanup(
  app: FastifyInstance,
  db: Kysely<Database>,
  now: () => Date,
): void {
  const timer = setInterval(() => {
    deleteExpiredSessions(db, now()).then(
      (count) => {
        if (count > 0) app.log.info({ count }, 'deleted expired sessions');
      },
      (error: unknown) => {
        app.log.warn({ err: error }, 'expired-session cleanup failed');
      },
    );
  }, CLEANUP_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', () => {
    clearInterval(timer);
  });
}
