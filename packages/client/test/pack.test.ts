import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApi, type EmbeddedApi } from '@taskboard/server/testing/embedded';
import { registerUser, TEST_PASSWORD } from '@taskboard/test-kit';

/**
 * The package as an app outside this workspace gets it: `pnpm pack`, `npm install` of the
 * tarball into a temporary project (its dependencies from the registry), a strict TypeScript
 * script type-checked and run against a live API. Type-checked with `skipLibCheck` off, as a
 * Node app (NodeNext) and as a bundled app (Bundler) would: every declaration file the
 * client's types reach is checked, and none of the server's libraries is installed.
 */
const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

let api: EmbeddedApi;
let outside: string;

beforeAll(async () => {
  api = await startEmbeddedApi();
  outside = await mkdtemp(join(tmpdir(), 'taskboard-outside-'));
});

afterAll(async () => {
  await api.close();
  await rm(outside, { recursive: true, force: true });
});

const SCRIPT = `
import {
  createTaskboardClient,
  isTaskboardError,
  signIn,
  type ProjectEvent,
  type RouterInputs,
  type RouterOutputs,
} from '@taskboard/client';

const url = process.env.TASKBOARD_URL ?? '';
const { token, user } = await signIn(url, process.env.EMAIL ?? '', process.env.PASSWORD ?? '');
const api = createTaskboardClient({ url, token });

const project = await api.projects.create.mutate({ name: 'From outside' });
const received: ProjectEvent[] = [];
const moved = new Promise<ProjectEvent>((resolve) => {
  const subscription = api.events.project.subscribe(
    { projectId: project.id },
    {
      onStarted: () => void start(),
      onData: ({ data }) => {
        received.push(data);
        if (data.type === 'task.moved') {
          subscription.unsubscribe();
          resolve(data);
        }
      },
    },
  );
});

const input: RouterInputs['tasks']['create'] = { projectId: project.id, title: 'Typed from outside' };
let taskId = '';
async function start() {
  const task = await api.tasks.create.mutate(input);
  taskId = task.id;
  // @ts-expect-error the status must be one of the board's columns
  void (() => api.tasks.move.mutate({ id: task.id, status: 'later' }));
  await api.tasks.move.mutate({ id: task.id, status: 'in-progress', expectedVersion: task.version });
}
const event = await moved;

// Outputs are inferred: a query's answer is the schema's type, down to each column's count.
const board = await api.board.get.query({ projectId: project.id });
const taskCount: number = board.columns.reduce((sum, column) => sum + column.count, 0);
// @ts-expect-error a column has a status and a count, no name
void board.columns[0]?.name;
const me: RouterOutputs['auth']['me'] = await api.auth.me.query();

let conflictVersion = 0;
try {
  await api.tasks.update.mutate({ id: taskId, title: 'Stale', expectedVersion: 1 });
} catch (error) {
  if (isTaskboardError(error) && error.data.appCode === 'CONFLICT') {
    const version: number = error.data.details?.task.version ?? -1;
    conflictVersion = version;
  } else {
    throw error;
  }
}

console.log(JSON.stringify({
  user: user.email,
  me: me.email,
  taskCount,
  events: received.map((e) => e.type),
  movedTo: event.type === 'task.moved' ? event.payload.task.status : null,
  conflictVersion,
}));
`;

describe('the packed package, outside the workspace', () => {
  it('installs from its tarball, type-checks a strict script and runs it', async () => {
    await run('pnpm', ['pack', '--pack-destination', outside], { cwd: packageDir });
    const [tarball] = (await readdir(outside)).filter((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error('pnpm pack made no tarball');

    await writeFile(
      join(outside, 'package.json'),
      JSON.stringify({ name: 'outside-app', private: true, type: 'module' }),
    );
    await writeFile(
      join(outside, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          outDir: 'build',
          types: ['node'],
        },
        include: ['main.ts'],
      }),
    );
    await writeFile(
      join(outside, 'tsconfig.bundler.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { module: 'Preserve', moduleResolution: 'Bundler', noEmit: true },
      }),
    );
    await writeFile(join(outside, 'main.ts'), SCRIPT);
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', `./${tarball}`, 'typescript@5.9.3', '@types/node@20'],
      { cwd: outside, env: { ...process.env, npm_config_cache: join(outside, '.npm') } },
    );

    // None of the server's libraries is installed.
    for (const name of ['fastify', 'kysely', 'ioredis', 'pg', '@types/pg', '@taskboard/api']) {
      expect(existsSync(join(outside, 'node_modules', name)), name).toBe(false);
    }

    // Compiles only if the types are real: each @ts-expect-error must have an error to expect.
    const tsc = (project: string) =>
      run(join(outside, 'node_modules/.bin/tsc'), ['-p', project], { cwd: outside }).then(
        () => '',
        (error: unknown) =>
          error instanceof Error && 'stdout' in error ? String(error.stdout) : String(error),
      );
    expect(await tsc('.')).toBe('');
    expect(await tsc('tsconfig.bundler.json')).toBe('');
    // Its one declaration file imports only its own dependencies.
    const declarations = await readFile(
      join(outside, 'node_modules/@taskboard/client/dist/index.d.ts'),
      'utf8',
    );
    const imported = new Set([...declarations.matchAll(/from '([^']+)'/g)].map((m) => m[1]));
    expect([...imported].sort()).toEqual([
      '@trpc/client',
      '@trpc/server',
      '@trpc/server/unstable-core-do-not-import',
      'zod',
    ]);

    const email = (await registerUser(api.url, 'Outsider')).email;
    const { stdout } = await run(process.execPath, ['build/main.js'], {
      cwd: outside,
      env: { ...process.env, TASKBOARD_URL: api.url, EMAIL: email, PASSWORD: TEST_PASSWORD },
    });
    expect(JSON.parse(stdout)).toEqual({
      user: email,
      me: email,
      taskCount: 1,
      events: ['task.created', 'task.moved'],
      movedTo: 'in-progress',
      conflictVersion: 2,
    });
    // pnpm pack, an npm install from the registry and tsc, on two shared cores: not 60 s work.
  }, 240_000);
});
