import { sql } from 'kysely';
import {
  membershipEventTypes,
  projectEventBodySchema,
  type ProjectEvent,
  type ProjectEventBody,
  type Task,
} from '@taskboard/schema';
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
  // Under the lock the newest ids cannot move, so each chain is read once and then extended here.
  const lastOfProject = new Map<string, number | null>();
  const lastOfRecipient = new Map<string, number | null>();
  const written: ProjectEvent[] = [];
  for (const event of pending) {
    if (!lastOfProject.has(event.projectId)) {
      lastOfProject.set(event.projectId, await newestId(trx, 'projectId', event.projectId));
    }
    const previousId = lastOfProject.get(event.projectId) ?? null;
    let previousRecipientEventId: number | null = null;
    if (event.recipientId !== null) {
      if (!lastOfRecipient.has(event.recipientId)) {
        lastOfRecipient.set(
          event.recipientId,
          await newestId(trx, 'recipientId', event.recipientId),
        );
      }
      previousRecipientEventId = lastOfRecipient.get(event.recipientId) ?? null;
    }
    const chain = { previousId, previousRecipientEventId };
    const row =
      event.body.type === 'project.deleted'
        ? await reserveId(trx)
        : await trx
            .insertInto('projectEvents')
            .values({
              projectId: event.projectId,
              type: event.body.type,
              actorId: event.actorId,
              recipientId: event.recipientId,
              ...chain,
              payload: JSON.stringify(event.body.payload),
            })
            .returning(['id', 'createdAt'])
            .executeTakeFirstOrThrow();
    const id = Number(row.id);
    lastOfProject.set(event.projectId, id);
    if (event.recipientId !== null) lastOfRecipient.set(event.recipientId, id);
    written.push({
      id,
      projectId: event.projectId,
      actorId: event.actorId,
      recipientId: event.recipientId,
      ...chain,
      createdAt: iso(row.createdAt),
      ...event.body,
    });
  }
  return written;
}

async function newestId(db: Executor, stream: Stream, value: string): Promise<number | null> {
  const row = await db
    .selectFrom('projectEvents')
    .select((eb) => eb.fn.max('id').as('id'))
    .where(stream, '=', value)
    .executeTakeFirst();
  return row?.id == null ? null : Number(row.id);
}

/** An id from the events' sequence, for an event that has no row (`project.deleted`). */
async function reserveId(trx: Executor): Promise<{ id: string | number; createdAt: Date }> {
  const { rows } = await sql<{ id: string | number; createdAt: Date }>`
    select nextval(pg_get_serial_sequence('project_events', 'id')) as id, now() as created_at
  `.execute(trx);
  const row = rows[0];
  if (!row) throw new Error('nextval returned no row');
  return row;
}

interface EventRow {
  id: string | number;
  projectId: string;
  type: string;
  actorId: string | null;
  recipientId: string | null;
  previousId: string | number | null;
  previousRecipientEventId: string | number | null;
  payload: unknown;
  createdAt: Date;
}

const eventColumns = [
  'id',
  'projectId',
  'type',
  'actorId',
  'recipientId',
  'previousId',
  'previousRecipientEventId',
  'payload',
  'createdAt',
] as const;

/** Rows come back through the same schema the API publishes, so a bad row cannot leak out. */
function fromRow(row: EventRow): ProjectEvent {
  const body = projectEventBodySchema.parse({ type: row.type, payload: row.payload });
  return {
    id: Number(row.id),
    projectId: row.projectId,
    actorId: row.actorId,
    recipientId: row.recipientId,
    previousId: row.previousId === null ? null : Number(row.previousId),
    previousRecipientEventId:
      row.previousRecipientEventId === null ? null : Number(row.previousRecipientEventId),
    createdAt: iso(row.createdAt),
    ...body,
  };
}

/** A stream of the log: one project's events, or the events addressed to one user. */
type Stream = 'projectId' | 'recipientId';

async function listEventsAfter(
  db: Executor,
  stream: Stream,
  value: string,
  afterId: number,
  limit: number,
): Promise<ProjectEvent[]> {
  const rows = await db
    .selectFrom('projectEvents')
    .select(eventColumns)
    .where(stream, '=', value)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/** The project's events after `afterId`, oldest first: what a reconnecting board replays. */
export function listProjectEventsAfter(
  db: Executor,
  projectId: string,
  afterId: number,
  limit = 1000,
): Promise<ProjectEvent[]> {
  return listEventsAfter(db, 'projectId', projectId, afterId, limit);
}

/**
 * Events addressed to a user after `afterId`, oldest first: their tasks' events (assigned to
 * them, or unassigned from them) and their own membership events (member.added/updated/removed
 * of them, in any project). `events.mine` skips the membership events; `events.myProjects`
 * reads them with `listProjectListEventsAfter`.
 */
export function listRecipientEventsAfter(
  db: Executor,
  userId: string,
  afterId: number,
  limit = 1000,
): Promise<ProjectEvent[]> {
  return listEventsAfter(db, 'recipientId', userId, afterId, limit);
}

/** The id of the project's newest event, 0 when it has none. */
export async function latestProjectEventId(db: Executor, projectId: string): Promise<number> {
  return (await newestId(db, 'projectId', projectId)) ?? 0;
}

/** The id of the newest event addressed to the user, 0 when there is none. */
export async function latestRecipientEventId(db: Executor, userId: string): Promise<number> {
  return (await newestId(db, 'recipientId', userId)) ?? 0;
}

/**
 * The events that change what `userId`'s project list shows, after `afterId`, oldest first:
 * their own membership events (added, role changed, removed; addressed to them) in any
 * project, and `project.updated` of the projects they are a member of now.
 */
export async function listProjectListEventsAfter(
  db: Executor,
  userId: string,
  afterId: number,
  limit = 1000,
): Promise<ProjectEvent[]> {
  const rows = await db
    .selectFrom('projectEvents')
    .select(eventColumns)
    .where('id', '>', afterId)
    .where((eb) =>
      eb.or([
        eb.and([eb('recipientId', '=', userId), eb('type', 'in', [...membershipEventTypes])]),
        eb.and([
          eb('type', '=', 'project.updated'),
          eb(
            'projectId',
            'in',
            eb.selectFrom('projectMembers').select('projectId').where('userId', '=', userId),
          ),
        ]),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/** The id of the newest event of the whole log, 0 when it is empty. */
export async function latestEventId(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('projectEvents')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return row?.id == null ? 0 : Number(row.id);
}

/**
 * A task's `task.created` event (its id and the task as created), or null when the log has
 * none: the task was bulk-loaded, or its project (and so its log) was deleted. Served by the
 * index of migration 0003, whose expression this repeats exactly.
 */
export async function findTaskCreatedEvent(
  db: Executor,
  taskId: string,
): Promise<{ id: number; task: Task } | null> {
  const row = await db
    .selectFrom('projectEvents')
    .select(['id', 'payload'])
    .where('type', '=', 'task.created')
    .where(sql<string>`payload #>> '{task,id}'`, '=', taskId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const body = projectEventBodySchema.parse({ type: 'task.created', payload: row.payload });
  return body.type === 'task.created' ? { id: Number(row.id), task: body.payload.task } : null;
}
