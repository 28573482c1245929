import { sql, type Kysely, type RawBuilder } from 'kysely';
import { positionBetween } from '../positions';

/**
 * Splits the position ties that moves into one gap used to leave (every such task got the
 * same key: nothing fitted between them, so a drop between two of them landed after the
 * whole run). From now on every key ends with its task's id (positions.ts) and no two are
 * equal; here each tied run keeps its order, (position, id): the first task keeps the key,
 * each next one gets a key between the one before it and the column's next distinct key.
 * No events are written: the order every reader sees does not change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await splitPositionTies(db);
}

/** Whatever runs SQL: a migration's database, or a typed one in a test. */
type SqlExecutor = Parameters<RawBuilder<unknown>['execute']>[0];

export async function splitPositionTies(db: SqlExecutor): Promise<void> {
  const { rows } = await sql<{ id: string; run: string; position: string; upper: string | null }>`
    select t.id, t.project_id || ':' || t.status_rank || ':' || t.position as run, t.position,
           (select min(n.position) from tasks n
             where n.project_id = t.project_id and n.status_rank = t.status_rank
               and n.position > t.position) as upper
    from tasks t
    where exists (select 1 from tasks o
                   where o.project_id = t.project_id and o.status_rank = t.status_rank
                     and o.position = t.position and o.id <> t.id)
    order by t.project_id, t.status_rank, t.position, t.id
  `.execute(db);
  let run: string | null = null;
  let previous = '';
  for (const row of rows) {
    if (row.run !== run) {
      run = row.run;
      previous = row.position;
      continue;
    }
    previous = positionBetween(previous, row.upper, row.id);
    await sql`update tasks set position = ${previous} where id = ${row.id}`.execute(db);
  }
}
