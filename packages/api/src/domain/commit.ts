import { runUnitOfWork, type UnitOfWork } from '@taskboard/db';
import type { User } from '@taskboard/schema';
import type { AppDeps } from '../deps';
import { authorizeWrite, type ProjectAccess, type ProjectWrite, type WriteTarget } from './access';

/** What a write needs: the database, and the bus its events are published on. */
export type CommitDeps = Pick<AppDeps, 'db' | 'bus'>;

/** A committed write: what its work answered, and the id of the event it committed. */
export interface Committed<T> {
  result: T;
  /**
   * The id of the write's last event, which is its own (the others it recorded, such as the
   * unassignments of a removal, come before it); null when it committed none.
   */
  eventId: number | null;
}

/**
 * Runs a change in one transaction with its project events, then publishes those events.
 * Publishing happens only once the transaction has committed, so a rolled-back change is
 * never announced. A change to an existing project goes through `commitAs` instead; this is
 * for those with no project to check yet (a registration, a new project).
 */
export async function commit<T>(
  deps: CommitDeps,
  actorId: string | null,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<Committed<T>> {
  const { result, events } = await runUnitOfWork(deps.db, actorId, work);
  deps.bus.publish(events);
  return { result, eventId: events.at(-1)?.id ?? null };
}

/**
 * The one way a write to an existing project is made: `user` does `write` (a kind from the
 * permission table, see `authorizeWrite`) to `target`. In one transaction it locks the
 * project row, checks the caller's role and, where the write needs it, that the project is
 * not archived, then runs `work` with what it found; it answers as `commit` does. A check
 * made before the transaction could pass, then a demotion, removal, archive or deletion
 * commit, then the write: under the lock, the check sees that change or holds it off.
 */
export function commitAs<T>(
  deps: CommitDeps,
  user: User,
  target: WriteTarget,
  write: ProjectWrite,
  work: (uow: UnitOfWork, access: ProjectAccess) => Promise<T>,
): Promise<Committed<T>> {
  return commit(deps, user.id, async (uow) =>
    work(uow, await authorizeWrite(uow, user, target, write)),
  );
}

/** The answer of a write: its result with the id of its event next to its own fields. */
export function withEventId<T extends object>({
  result,
  eventId,
}: Committed<T>): T & { eventId: number | null } {
  return { ...result, eventId };
}
