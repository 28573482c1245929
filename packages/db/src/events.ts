import { sql } from 'kysely';
import { projectEventBodySchema, type ProjectEvent, type ProjectEventBody } from '@taskboard/schema';
import { iso } from './timestamps';
import type { Executor } from './types';

/** An event as a change records it, before the database gives it an id. */
export interface PendingEvent {
  projectId: string;
  actorId: string | null;
  recipientId: string | null;
  body: ProjectEventBody;
}

/**
 * Serialises the writing of events across the whole database until commit, so ids become
 * visible in increasing order: a reader that has seen event N can never later find a smaller
 * id committed behind it, which is what makes `lastEventId` a safe resume cursor.
 */
const EVENT_ORDER_LOCK = 7_262_017;

/**
 * Writes the events of a transaction and returns them with their ids. Call it last in the
 * transaction: it takes the event-order lock, held until commit.
 *
 * `project.deleted` gets an id from the same sequence but no row: the project's log is deleted
 * with the project (ON DELETE CASCADE), so the event exists only to be published live.
 */
export async function appendEvents(
  trx: Executor,
  pending: readonly PendingEvent[],
): Promise<ProjectEvent[]> {
  if (pending.length === 0) return [];
  await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(trx);
  const written: ProjectEvent[] = [];
  for (const event of pending) {
    if (event.body.type === 'project.deleted') {
      const { rows } = await sql<{ id: string | number; now: Date }>`
        select nextval(pg_get_serial_sequence('project_events', 'id')) as id, now() as now
      `.execute(trx);
      const row = rows[0];
      if (!row) throw new Error('nextval returned no row');
      written.push(toEvent({ ...event, id: row.id, createdAt: row.now }));
      continue;
    }
    const row = await trx
      .insertInto('projectEvents')
      .values({
        projectId: event.projectId,
        type: event.body.type,
        actorId: event.actorId,
        recipientId: event.recipientId,
        payload: JSON.stringify(event.body.payload),
      })
      .returning(['id', 'createdAt'])
      .executeTakeFirstOrThrow();
    written.push(toEvent({ ...event, id: row.id, createdAt: row.createdAt }));
  }
  return written;
}

function toEvent(event: PendingEvent & { id: string | number; createdAt: Date }): ProjectEvent {
  return {
    id: Number(event.id),
    projectId: event.projectId,
    actorId: event.actorId,
    createdAt: iso(event.createdAt),
    ...event.body,
  };
}

interface EventRow {
  id: string | number;
  projectId: string;
  type: string;
  actorId: string | null;
  payload: unknown;
  createdAt: Date;
}

/** Rows come back through the same schema the API publishes, so a bad row cannot leak out. */
function fromRow(row: EventRow): ProjectEvent {
  const body = projectEventBodySchema.parse({ type: row.type, payload: row.payload });
  return {
    id: Number(row.id),
    projectId: row.projectId,
    actorId: row.actorId,
    createdAt: iso(row.createdAt),
    ...body,
  };
}

/** The project's events after `afterId`, oldest first: what a reconnecting board replays. */
export async function listProjectEventsAfter(
  db: Executor,
  projectId: string,
  afterId: number,
  limit = 1000,
): Promise<ProjectEvent[]> {
  const rows = await db
    .selectFrom('projectEvents')
    .select(['id', 'projectId', 'type', 'actorId', 'payload', 'createdAt'])
    .where('projectId', '=', projectId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/** Events addressed to a user (tasks assigned to them) after `afterId`, oldest first. */
export async function listRecipientEventsAfter(
  db: Executor,
  userId: string,
  afterId: number,
  limit = 1000,
): Promise<ProjectEvent[]> {
  const rows = await db
    .selectFrom('projectEvents')
    .select(['id', 'projectId', 'type', 'actorId', 'payload', 'createdAt'])
    .where('recipientId', '=', userId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/** The id of the project's newest event, 0 when it has none. */
export async function latestProjectEventId(db: Executor, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('projectEvents')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('projectId', '=', projectId)
    .executeTakeFirst();
  return row?.id == null ? 0 : Number(row.id);
}
