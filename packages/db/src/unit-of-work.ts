import type { Kysely, Transaction } from 'kysely';
import type { ProjectEvent, ProjectEventBody } from '@taskboard/schema';
import { isRetryableTransactionError } from './database-errors';
import { appendEvents, type PendingEvent } from './events';
import type { Database } from './types';

/** One transaction and the project events its changes record. */
export interface UnitOfWork {
  readonly trx: Transaction<Database>;
  /** The user making the change (null for system work such as seeding). */
  readonly actorId: string | null;
  /** Records an event of this change; it is written in the same transaction, at its end. */
  record(projectId: string, body: ProjectEventBody, recipientId?: string | null): void;
}

export interface UnitOfWorkResult<T> {
  result: T;
  /** The events as committed, with their ids: publish these, and only after commit. */
  events: ProjectEvent[];
}

/**
 * Runs `work` in a transaction; the events it records are written in that transaction, so a
 * change and its events commit together or not at all. Nothing is published here: the caller
 * publishes the returned events once this resolves (i.e. after commit). A transaction that
 * PostgreSQL aborts as a deadlock or serialization failure is run again (`work` must not have
 * effects outside the transaction).
 */
export async function runUnitOfWork<T>(
  db: Kysely<Database>,
  actorId: string | null,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<UnitOfWorkResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(db, actorId, work);
    } catch (error) {
      // Row locks are taken before the event-order lock, so two writers can deadlock (say, a
      // project deletion and a task edit in it). PostgreSQL aborts one; it runs again.
      if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
    }
  }
}

const MAX_ATTEMPTS = 3;

function runOnce<T>(
  db: Kysely<Database>,
  actorId: string | null,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<UnitOfWorkResult<T>> {
  return db.transaction().execute(async (trx) => {
    const pending: PendingEvent[] = [];
    const uow: UnitOfWork = {
      trx,
      actorId,
      record(projectId, body, recipientId = null) {
        pending.push({ projectId, actorId, recipientId, body });
      },
    };
    const result = await work(uow);
    const events = await appendEvents(trx, pending);
    return { result, events };
  });
}
