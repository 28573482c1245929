import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Transaction } from 'kysely';
import type { Database } from '@taskboard/db';
import type { DisposableDatabase } from '@taskboard/db/testing';
import {
  createTestDatabase,
  errorOf,
  signUp,
  startServer,
  type TestServer,
} from './support/server';

/**
 * A task change checks the caller's role and the project's status in its own transaction,
 * holding the project row: an archive or a demotion committed while the change is in flight
 * is either waited for and obeyed, or waits for the change. Here the other transaction holds
 * its lock first and commits after the API call has started; the change must then be refused
 * and nothing written. (Before the checks moved into the transaction, both calls succeeded.)
 */
let database: DisposableDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

/**
 * Runs `change` in a transaction that stays open: `started` resolves once the change is made
 * (its locks held); `commitWhenBlocked(n)` commits once `n` other transactions wait for them.
 */
function hold(change: (trx: Transaction<Database>) => Promise<void>) {
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
  const done = database.db.transaction().execute(async (trx) => {
    await change(trx);
    markStarted();
    await gate;
  });
  return {
    started,
    async commitWhenBlocked(waiters: number) {
      try {
        await blockedOnLocks(waiters);
      } finally {
        release();
        await done;
      }
    },
  };
}

/** Waits until `count` transactions wait for a lock (PostgreSQL only: see vitest.config.ts). */
async function blockedOnLocks(count: number) {
  // Calls that never block (the checks outside the transaction) would leave this waiting.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`expected ${count} transactions waiting for a lock`);
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db);
    if ((rows[0]?.waiting ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('task changes racing project changes', () => {
  it('a task created or edited while the project is being archived is refused', async () => {
    const owner = await signUp(server, 'Racer');
    const project = await owner.api.projects.create.mutate({ name: 'Race track' });
    const task = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Before' });

    const archive = hold(async (trx) => {
      await trx
        .updateTable('projects')
        .set({ status: 'archived' })
        .where('id', '=', project.id)
        .execute();
    });
    await archive.started;
    const created = errorOf(
      owner.api.tasks.create.mutate({ projectId: project.id, title: 'Slipped in' }),
    );
    const updated = errorOf(owner.api.tasks.update.mutate({ id: task.id, title: 'Changed' }));
    await archive.commitWhenBlocked(2);

    expect((await created).appCode).toBe('BAD_REQUEST');
    expect((await updated).appCode).toBe('BAD_REQUEST');
    const list = await owner.api.tasks.list.query({ projectId: project.id });
    expect(list.tasks.map((t) => t.title)).toEqual(['Before']);
  });

  it('an edit by an editor being demoted to viewer is refused', async () => {
    const owner = await signUp(server, 'Owner');
    const editor = await signUp(server, 'Editor');
    const project = await owner.api.projects.create.mutate({ name: 'Demotion' });
    await owner.api.members.add.mutate({
      projectId: project.id,
      email: editor.email,
      role: 'editor',
    });
    const task = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Original' });

    // As members.updateRole does: the project row locked for the membership change.
    const demote = hold(async (trx) => {
      await trx
        .selectFrom('projects')
        .select('id')
        .where('id', '=', project.id)
        .forNoKeyUpdate()
        .execute();
      await trx
        .updateTable('projectMembers')
        .set({ role: 'viewer' })
        .where('projectId', '=', project.id)
        .where('userId', '=', editor.user.id)
        .execute();
    });
    await demote.started;
    const moved = errorOf(
      editor.api.tasks.move.mutate({ id: task.id, status: 'done', expectedVersion: task.version }),
    );
    await demote.commitWhenBlocked(1);

    expect((await moved).appCode).toBe('FORBIDDEN');
    expect(await owner.api.tasks.get.query({ id: task.id })).toMatchObject({
      status: 'todo',
      version: task.version,
    });
  });
});
