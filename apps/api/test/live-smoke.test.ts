import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProjectEvent } from '@taskboard/schema';
import { createTestDatabase, liveClient, signUp, startServer, type TestServer } from './support/server';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let server: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db);
});
afterAll(async () => {
  await server.close();
  await db.dispose();
});

it('delivers a task created over HTTP to a WebSocket subscriber', async () => {
  const owner = await signUp(server);
  const project = await owner.api.projects.create.mutate({ name: 'Live' });
  const live = liveClient(server, owner.token);
  const received: ProjectEvent[] = [];
  const sub = live.api.events.project.subscribe(
    { projectId: project.id },
    { onData: (data) => received.push(data.data) },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Hello live' });
  await expect.poll(() => received.map((event) => event.type)).toEqual(['task.created']);
  sub.unsubscribe();
  live.close();
});
