import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTaskboardClient, signIn } from '../src/index';
import { startEmbeddedApi, type EmbeddedApi } from '@taskboard/server/testing/embedded';
import { registerUser, TEST_PASSWORD } from '@taskboard/test-kit';

/** The built binary, run as a user would run `taskboard`. */
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let api: EmbeddedApi;
let configDir: string;
let email: string;

beforeAll(async () => {
  api = await startEmbeddedApi();
  email = (await registerUser(api.url, 'Cli')).email;
  configDir = await mkdtemp(join(tmpdir(), 'taskboard-cli-'));
});

afterAll(async () => {
  await api.close();
  await rm(configDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: configDir,
    TASKBOARD_CONFIG: join(configDir, 'config.json'),
    TASKBOARD_URL: api.url,
  };
}

function taskboard(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe('taskboard (the CLI)', () => {
  it('login with the password on stdin saves the session, readable by its owner only', async () => {
    const run = await taskboard(
      ['login', '--email', email, '--password-stdin'],
      `${TEST_PASSWORD}\n`,
    );
    expect(run).toMatchObject({ code: 0, stdout: `Signed in as ${email}\n` });
    const saved = await stat(join(configDir, 'config.json'));
    expect(saved.mode & 0o777).toBe(0o600);
    expect((await taskboard(['whoami'])).stdout).toContain(email);
  });

  it('projects, tasks add / list / move / done', async () => {
    expect((await taskboard(['projects'])).stdout).toMatch(/owner\s+Inbox/);
    const added = await taskboard([
      'tasks',
      'add',
      'Inbox',
      'Level',
      'the',
      'bed',
      '--priority',
      'high',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const task: unknown = JSON.parse(added.stdout);
    expect(task).toMatchObject({ title: 'Level the bed', priority: 'high', status: 'todo' });
    const id = typeof task === 'object' && task !== null && 'id' in task ? String(task.id) : '';

    const listed = await taskboard(['tasks', 'list', 'inbox']);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+todo\\s+high\\s+Level the bed`));

    const moved = await taskboard(['tasks', 'move', id, 'in-progress']);
    expect(moved.stdout).toMatch(/in-progress/);
    const done = await taskboard(['tasks', 'done', id]);
    expect(done).toMatchObject({ code: 0 });
    expect(done.stdout).toMatch(/done\s+high\s+Level the bed/);
    expect((await taskboard(['tasks', 'list', 'Inbox', '--status', 'done'])).stdout).toContain(id);
  });

  it('tasks add puts a task at the end of its column, or first with --placement top', async () => {
    const { token } = await signIn(api.url, email, TEST_PASSWORD);
    const client = createTaskboardClient({ url: api.url, token });
    const project = await client.projects.create.mutate({ name: 'Placement' });
    await client.tasks.create.mutate({ projectId: project.id, title: 'Middle' });
    expect((await taskboard(['tasks', 'add', 'Placement', 'Last'])).code).toBe(0);
    const top = await taskboard(['tasks', 'add', 'Placement', 'First', '--placement', 'top']);
    expect(top.code).toBe(0);
    const stored = await client.tasks.list.query({ projectId: project.id });
    expect(stored.tasks.map((task) => task.title)).toEqual(['First', 'Middle', 'Last']);
    const wrong = await taskboard(['tasks', 'add', 'Placement', 'X', '--placement', 'middle']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Placement must be one of top, bottom');
  });

  it('watch prints events made elsewhere, and resumes after the connection drops', async () => {
    const { token } = await signIn(api.url, email, TEST_PASSWORD);
    const other = createTaskboardClient({ url: api.url, token });
    const project = await other.projects.create.mutate({ name: 'Watched' });
    const child = spawn(process.execPath, [CLI, 'watch', 'Watched'], { env: env() });
    // One listener from the start: every line the tool prints, once.
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const printed = () => stdout.trim().split('\n').filter(Boolean);
    const lines = (count: number) =>
      vi.waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`watch exited: ${stdout}`);
          expect(printed().length).toBeGreaterThanOrEqual(count);
        },
        { timeout: 20_000, interval: 20 },
      );
    const started = new Promise<void>((resolve) => {
      child.stderr.once('data', () => {
        resolve();
      });
    });
    try {
      await started;
      // The banner comes once the subscription has started.
      await other.tasks.create.mutate({ projectId: project.id, title: 'First card' });
      await lines(1);
      api.dropConnections();
      await other.tasks.create.mutate({ projectId: project.id, title: 'While dropped' });
      await lines(2);
      // Both, in order, and nothing twice (a resume replays only what was missed).
      const shown = printed();
      expect(shown).toHaveLength(2);
      expect(shown[0]).toMatch(/task\.created\s+First card \[todo\]/);
      expect(shown[1]).toMatch(/task\.created\s+While dropped \[todo\]/);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('errors: usage (exit 2), API errors with their code (exit 1), signed out', async () => {
    expect((await taskboard(['tasks', 'move'])).code).toBe(2);
    const unknownTask = await taskboard(['tasks', 'done', '00000000-0000-4000-8000-000000000000']);
    expect(unknownTask).toMatchObject({ code: 1 });
    expect(unknownTask.stderr).toContain('error NOT_FOUND');
    const badStatus = await taskboard(['tasks', 'list', 'Inbox', '--status', 'later']);
    expect(badStatus.code).toBe(2);
    expect((await taskboard(['logout'])).code).toBe(0);
    const signedOut = await taskboard(['projects']);
    expect(signedOut.code).toBe(2);
    expect(signedOut.stderr).toContain('Not signed in');
    const wrong = await taskboard(
      ['login', '--email', email, '--password-stdin'],
      'wrong password!\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error INVALID_CREDENTIALS');
  });
});
