import { z } from 'zod';
import { AppError, taskStatuses, type BoardColumn, type TaskStatus } from '@taskboard/schema';
import type { Kysely } from 'kysely';
import { latestProjectEventId } from './events';
import { statusRank, toTask } from './tasks';
import type { Database, Executor } from './types';

/** A position in a column: the last card of a page. Opaque to clients (base64url JSON). */
const cursorSchema = z.tuple([z.string().min(1), z.uuid()]);

function encodeCursor(position: string, id: string): string {
  return Buffer.from(JSON.stringify([position, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return cursorSchema.parse(decoded);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'Invalid cursor', { cause: error });
  }
}

async function columnCounts(db: Executor, projectId: string): Promise<Record<TaskStatus, number>> {
  const rows = await db
    .selectFrom('projectTaskCounts')
    .select(['status', 'count'])
    .where('projectId', '=', projectId)
    .execute();
  const counts: Record<TaskStatus, number> = { todo: 0, 'in-progress': 0, done: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** One page of a column in board order, from the board index; one row more tells if there is a next page. */
async function columnPage(
  db: Executor,
  projectId: string,
  status: TaskStatus,
  limit: number,
  after: [string, string] | null,
) {
  let query = db
    .selectFrom('tasks')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('statusRank', '=', statusRank[status]);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('position', 'id'), '>', eb.tuple(after[0], after[1])),
    );
  }
  const rows = await query
    .orderBy('position')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    tasks: page.map(toTask),
    nextCursor: rows.length > limit && last ? encodeCursor(last.position, last.id) : null,
  };
}

/**
 * The board's columns, each with its exact count and its first `limit` cards. Every query is
 * an index range or a counter read, so it costs the same for 100 tasks as for 100,000.
 */
export async function getBoardColumns(
  db: Executor,
  projectId: string,
  limit: number,
): Promise<BoardColumn[]> {
  const [counts, columns] = await Promise.all([
    columnCounts(db, projectId),
    Promise.all(
      taskStatuses.map(async (status) => ({
        status,
        ...(await columnPage(db, projectId, status, limit, null)),
      })),
    ),
  ]);
  return columns.map((column) => ({ ...column, count: counts[column.status] }));
}

/**
 * The board as of one moment: its first pages and counts, and the id of the newest event they
 * include. One REPEATABLE READ snapshot, taken by its first statement: a change and its event
 * commit together and event ids become visible in order (events.ts), so every event up to
 * `lastEventId` is in the counts and cards and none after it is. Read as separate statements,
 * a write committed between them was in the counts and replayed after `lastEventId` too: a
 * board that applies events' previous values to its counts counted it twice.
 */
export function readBoard(
  db: Kysely<Database>,
  projectId: string,
  limit: number,
): Promise<{ lastEventId: number; columns: BoardColumn[] }> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const lastEventId = await latestProjectEventId(trx, projectId);
      const columns = await getBoardColumns(trx, projectId, limit);
      return { lastEventId, columns };
    });
}

/** The page of a column after `cursor` (a `nextCursor` from an earlier page). */
export async function getBoardColumn(
  db: Executor,
  projectId: string,
  status: TaskStatus,
  cursor: string,
  limit: number,
): Promise<BoardColumn> {
  // Decoded first: a bad cursor must fail before any query starts, not leave one running.
  const after = decodeCursor(cursor);
  const [counts, page] = await Promise.all([
    columnCounts(db, projectId),
    columnPage(db, projectId, status, limit, after),
  ]);
  return { status, count: counts[status], ...page };
}
