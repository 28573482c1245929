import { sql, type Kysely } from 'kysely';

/**
 * Finds a task's `task.created` event by the task's id. `tasks.create` takes client-chosen
 * ids: a repeat answers the original event's id, and an id whose task.created is logged but
 * whose row is gone (the task was deleted) is refused instead of bringing the task back.
 *
 * Events' `previous` values need no migration: they live in the jsonb payload, and rows
 * logged before have none (replay reads them as `previous: null`, packages/schema events.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index project_events_created_task_idx on project_events ((payload #>> '{task,id}'))
      where type = 'task.created'
  `.execute(db);
}
