import { runUnitOfWork, type UnitOfWork } from '@taskboard/db';
import type { AppDeps } from '../deps';

/**
 * Runs a change in one transaction with its project events, then publishes those events.
 * Publishing happens only once the transaction has committed, so a rolled-back change is
 * never announced.
 */
export async function commit<T>(
  deps: AppDeps,
  actorId: string | null,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const { result, events } = await runUnitOfWork(deps.db, actorId, work);
  deps.bus.publish(events);
  return result;
}
