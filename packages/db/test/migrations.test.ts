import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@taskboard/schema';
import { migrateToLatest } from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

describe(`migrations (${engine})`, () => {
  it('runs on the expected engine', () => {
    expect(handle.engine).toBe(engine);
  });

  it('is idempotent: a second run applies nothing', async () => {
    await expect(migrateToLatest(handle.db)).resolves.toEqual([]);
  });

  it('enforces the current schema limits in CHECK constraints', async () => {
    const owner = await makeUser(handle.db);
    const project = await makeProject(handle.db, owner);
    await expect(
      makeTask(handle.db, project, owner, { title: 'x'.repeat(LIMITS.taskTitleMax) }),
    ).resolves.toBeDefined();
    await expect(
      makeTask(handle.db, project, owner, { title: 'x'.repeat(LIMITS.taskTitleMax + 1) }),
    ).rejects.toThrow(/check constraint/);
    await expect(
      makeTask(handle.db, project, owner, {
        description: 'x'.repeat(LIMITS.taskDescriptionMax + 1),
      }),
    ).rejects.toThrow(/check constraint/);
    await expect(makeTask(handle.db, project, owner, { title: '' })).rejects.toThrow(
      /check constraint/,
    );
    await expect(
      makeProject(handle.db, owner, [], 'x'.repeat(LIMITS.projectNameMax + 1)),
    ).rejects.toThrow(/check constraint/);
    await expect(makeUser(handle.db, 'x'.repeat(LIMITS.userNameMax + 1))).rejects.toThrow(
      /check constraint/,
    );
  });

  it('creates the indexes the queries rely on', async () => {
    const { rows } = await sql<{ indexname: string }>`
      select indexname from pg_indexes where tablename = 'tasks' order by indexname
    `.execute(handle.db);
    expect(rows.map((row) => row.indexname)).toEqual([
      'tasks_assignee_idx',
      'tasks_board_idx',
      'tasks_created_at_idx',
      'tasks_description_trgm_idx',
      'tasks_due_date_idx',
      'tasks_pkey',
      'tasks_priority_idx',
      'tasks_title_trgm_idx',
    ]);
  });
});
