import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { projectWithRoles, registerUser, TEST_PASSWORD, uniqueEmail } from '@taskboard/test-kit';
import {
  client,
  createTestDatabase,
  errorOf,
  startServer,
  type TestServer,
} from './support/server';

// The shared test kit sets every suite's scene through the real API; if it set a different
// scene than it says, every suite built on it would test the wrong thing.

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

describe('the test kit', () => {
  it('registers a fresh account whose token and password both sign in', async () => {
    const account = await registerUser(server.url, 'Kit');
    expect(account.email).toBe(account.user.email);
    expect(account.password).toBe(TEST_PASSWORD);
    expect((await client(server, account.token).auth.me.query()).id).toBe(account.user.id);
    const signedIn = await client(server).auth.login.mutate({
      email: account.email,
      password: TEST_PASSWORD,
    });
    expect(signedIn.user.id).toBe(account.user.id);
  });

  it('never hands out one address twice', () => {
    const emails = new Set(Array.from({ length: 100 }, () => uniqueEmail('Same Name')));
    expect(emails.size).toBe(100);
  });

  it('makes a project with an owner, an editor and a viewer, and an outsider who is none', async () => {
    const scene = await projectWithRoles(server.url, 'Roles');
    const members = await client(server, scene.viewer.token).members.list.query({
      projectId: scene.project.id,
    });
    const roleOf = (userId: string) => members.find((member) => member.userId === userId)?.role;
    expect(roleOf(scene.owner.user.id)).toBe('owner');
    expect(roleOf(scene.editor.user.id)).toBe('editor');
    expect(roleOf(scene.viewer.user.id)).toBe('viewer');
    expect(roleOf(scene.outsider.user.id)).toBeUndefined();
    expect(scene.project.name).toBe('Roles');
    const outsider = await errorOf(
      client(server, scene.outsider.token).projects.get.query({ id: scene.project.id }),
    );
    expect(outsider.appCode).toBe('NOT_FOUND');
  });
});
