import { sql, type Kysely, type Transaction } from 'kysely';
import { appendEvents, type Database, type PendingEvent, type UnitOfWork } from '@taskboard/db';

/**
 * A racing change frozen just before its COMMIT, for write-race tests on PostgreSQL: it holds
 * the locks it took until the test lets it commit, once the API call under test is waiting for
 * them. A check made outside the call's transaction has read the state before this commit and
 * goes on to write after it; a check made under the lock sees what this committed.
 */
export interface HeldChange {
  /** Resolves once the change is made and its locks are held. */
  started: Promise<undefined>;
  /**
   * Commits once `waiters` other transactions wait for a lock, or once one of `calls` has
   * settled without waiting (a check made before the transaction: the test then fails on
   * that call's outcome), and resolves after the commit.
   */
  commitWhenBlocked(waiters: number, ...calls: Promise<unknown>[]): Promise<void>;
}

/** Runs `change` in a transaction that stays open until `commitWhenBlocked`. */
export function hold(
  db: Kysely<Database>,
  change: (trx: Transaction<Database>) => Promise<unknown>,
): HeldChange {
  let release = () => undefined;
  const gate = new Promise<undefined>((resolve) => {
    release = () => {
      resolve(undefined);
      return undefined;
    };
  });
  let markStarted = () => undefined;
  const started = new Promise<undefined>((resolve) => {
    markStarted = () => {
      resolve(undefined);
      return undefined;
    };
  });
  const done = db.transaction().execute(async (trx) => {
    await change(trx);
    markStarted();
    await gate;
  });
  // A change that fails never starts: fail the test rather than wait for it.
  const failed = done.then(() => undefined);
  return {
    started: Promise.race([started, failed]),
    async commitWhenBlocked(waiters, ...calls) {
      let settled = false;
      const settle = () => {
        settled = true;
      };
      for (const call of calls) void call.then(settle, settle);
      try {
        await blockedOnLocks(db, waiters, () => settled);
      } finally {
        release();
        await done;
      }
    },
  };
}

/**
 * A real write of the data layer (`work` records its events as in a unit of work), held with
 * everything it holds at its COMMIT: its row locks and the event-order lock its events took.
 */
export function holdWrite(
  db: Kysely<Database>,
  actorId: string,
  work: (uow: UnitOfWork) => Promise<unknown>,
): HeldChange {
  return hold(db, async (trx) => {
    const pending: PendingEvent[] = [];
    await work({
      trx,
      actorId,
      record(projectId, body, recipientId = null) {
        pending.push({ projectId, actorId, recipientId, body });
      },
    });
    await appendEvents(trx, pending);
  });
}

/** Waits until `count` transactions of this database wait for a lock, or `stop()`. */
async function blockedOnLocks(db: Kysely<Database>, count: number, stop: () => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (stop()) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} transactions waiting for a lock`);
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if ((rows[0]?.waiting ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
