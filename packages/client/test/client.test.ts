import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import {
  createTaskboardClient,
  errorCodes,
  isTaskboardError,
  signIn,
  type ProjectEvent,
  type TaskboardClient,
} from '../src/index';
import { startEmbeddedApi, type EmbeddedApi } from '@taskboard/server/testing/embedded';
import { registerUser, TEST_PASSWORD } from '@taskboard/test-kit';

let api: EmbeddedApi;
let client: TaskboardClient;

beforeAll(async () => {
  api = await startEmbeddedApi();
  const email = (await registerUser(api.url)).email;
  const { token } = await signIn(api.url, email, TEST_PASSWORD);
  client = createTaskboardClient({ url: api.url, token });
});

afterAll(async () => {
  await api.close();
});

/** Collects a project's live events from a subscription until `count` have arrived. */
function collect(subscriber: TaskboardClient, projectId: string) {
  const events: ProjectEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let started = () => undefined;
  const ready = new Promise<undefined>((resolve) => {
    started = () => {
      resolve(undefined);
      return undefined;
    };
  });
  const subscription = subscriber.events.project.subscribe(
    { projectId },
    {
      onStarted: started,
      onData: ({ data }) => {
        events.push(data);
        for (const waiter of waiters) if (events.length >= waiter.count) waiter.resolve();
      },
    },
  );
  return {
    events,
    ready,
    until: (count: number) =>
      new Promise<void>((resolve) => {
        if (events.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    stop: () => {
      subscription.unsubscribe();
    },
  };
}

describe('@taskboard/client', () => {
  it('signs in, creates and moves a task, and receives the live events', async () => {
    const project = await client.projects.create.mutate({ name: 'Client project' });
    const live = collect(client, project.id);
    await live.ready;
    const task = await client.tasks.create.mutate({ projectId: project.id, title: 'From Node' });
    const moved = await client.tasks.move.mutate({
      id: task.id,
      status: 'done',
      expectedVersion: task.version,
    });
    expect(moved).toMatchObject({ status: 'done', version: task.version + 1 });
    await live.until(2);
    expect(live.events.map((event) => event.type)).toEqual(['task.created', 'task.moved']);
    live.stop();
  });

  it('resumes after the connection drops, missing nothing', async () => {
    const project = await client.projects.create.mutate({ name: 'Dropped' });
    const live = collect(client, project.id);
    await live.ready;
    await client.tasks.create.mutate({ projectId: project.id, title: 'Before the drop' });
    await live.until(1);
    api.dropConnections();
    // Written while the subscriber is away; it replays them from its last event id.
    for (const title of ['During 1', 'During 2', 'During 3']) {
      await client.tasks.create.mutate({ projectId: project.id, title });
    }
    await live.until(4);
    const titles = live.events.map((event) =>
      event.type === 'task.created' ? event.payload.task.title : event.type,
    );
    expect(titles).toEqual(['Before the drop', 'During 1', 'During 2', 'During 3']);
    expect(new Set(live.events.map((event) => event.id)).size).toBe(4);
    live.stop();
  });

  it('narrows a CONFLICT by its type, with the current task in its details', async () => {
    const task = await client.tasks.create.mutate({ title: 'Contested' });
    await client.tasks.update.mutate({ id: task.id, title: 'Theirs', expectedVersion: 1 });
    const error = await client.tasks.update
      .mutate({ id: task.id, title: 'Mine', expectedVersion: 1 })
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(isTaskboardError(error)).toBe(true);
    if (!isTaskboardError(error) || error.data.appCode !== 'CONFLICT') {
      throw new Error('expected a CONFLICT');
    }
    expect(error.data.httpStatus).toBe(409);
    expect(error.data.details?.task).toMatchObject({ title: 'Theirs', version: 2 });
  });

  it('without a token calls answer UNAUTHORIZED; wrong passwords INVALID_CREDENTIALS', async () => {
    const anonymous = createTaskboardClient({ url: api.url });
    const error = await anonymous.auth.me.query().catch((caught: unknown) => caught);
    expect(isTaskboardError(error) && error.data.appCode).toBe('UNAUTHORIZED');
    const email = (await registerUser(api.url, 'Wrong')).email;
    const wrong = await signIn(api.url, email, 'not my password at all').catch(
      (caught: unknown) => caught,
    );
    expect(isTaskboardError(wrong) && wrong.data.appCode).toBe('INVALID_CREDENTIALS');
    expect(isTaskboardError(new Error('plain'))).toBe(false);
    expect(errorCodes).toContain('CONFLICT');
  });

  it('takes an error for a Taskboard error only when its data is the contract, not just its code', () => {
    const answerWith = (data: unknown) =>
      TRPCClientError.from({ error: { code: -32603, message: 'failed', data } });
    const contract = {
      code: 'CONFLICT',
      appCode: 'CONFLICT',
      httpStatus: 409,
      details: null,
      path: 'tasks.update',
    };
    expect(isTaskboardError(answerWith(contract))).toBe(true);
    // A CONFLICT whose details are no task would hand the caller a `details.task` of any shape.
    expect(isTaskboardError(answerWith({ ...contract, details: { task: 'not a task' } }))).toBe(
      false,
    );
    expect(isTaskboardError(answerWith({ appCode: 'NOT_FOUND' }))).toBe(false);
  });
});
