// What the embedded-database suites share: the repository's own `pnpm` commands run as a user
// types them, and the REST calls that show their effect through the running API.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LIMITS } from '@taskboard/schema';
import { z } from 'zod';

export const repoDir = fileURLToPath(new URL('../../../..', import.meta.url));
const exec = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `pnpm <args>` from the repository root (where a user runs it), on the given DATA_DIR. */
export async function pnpm(dataDir: string, ...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await exec('pnpm', ['--silent', ...args], {
      cwd: repoDir,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = z
      .object({ code: z.number(), stdout: z.string(), stderr: z.string() })
      .safeParse(error);
    if (!failed.success) throw error;
    return failed.data;
  }
}

/** The process that holds DATA_DIR, from its lock file. */
export async function holderPid(dataDir: string): Promise<number> {
  const lock = z.object({ pid: z.number() });
  return lock.parse(JSON.parse(await readFile(join(dataDir, 'taskboard.lock'), 'utf8'))).pid;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function call(url: string, path: string, init: Call = {}): Promise<unknown> {
  const response = await fetch(`${url}/api/v1${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const signedInSchema = z.object({ token: z.string() });
const userSchema = z.object({ user: z.object({ email: z.string(), role: z.string() }) });
const projectsSchema = z.object({
  projects: z.array(z.object({ id: z.string(), name: z.string() })),
});
const taskPageSchema = z.object({
  tasks: z.array(z.object({ id: z.string() })),
  pagination: z.object({ totalPages: z.number(), total: z.number() }),
});

export interface Session {
  token: string;
  headers: { authorization: string };
}

export async function signIn(url: string, email: string, password: string): Promise<Session> {
  const { token } = signedInSchema.parse(
    await call(url, '/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) }),
  );
  return { token, headers: { authorization: `Bearer ${token}` } };
}

export async function register(url: string, email: string, password: string): Promise<Session> {
  await call(url, '/auth/register', {
    method: 'POST',
    body: JSON.stringify({ email, name: email.split('@')[0], password }),
  });
  return signIn(url, email, password);
}

export async function me(url: string, session: Session) {
  return userSchema.parse(await call(url, '/auth/me', { headers: session.headers })).user;
}

export async function projects(url: string, session: Session) {
  return projectsSchema.parse(await call(url, '/projects', { headers: session.headers })).projects;
}

/** Every task id of a project, through the paged REST list. */
export async function taskIds(url: string, session: Session, projectId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const query = `projectId=${projectId}&limit=${LIMITS.pageLimitMax}&page=${page}&sort=createdAt`;
    const body = taskPageSchema.parse(
      await call(url, `/project-management/tasks?${query}`, { headers: session.headers }),
    );
    ids.push(...body.tasks.map((task) => task.id));
    if (page >= body.pagination.totalPages) return ids;
  }
}

/** Creates a task; resolves to its id once the API has acknowledged it (201). */
export async function createTask(url: string, session: Session, projectId: string, title: string) {
  const body = z.object({ task: z.object({ id: z.string() }) }).parse(
    await call(url, '/project-management/tasks', {
      method: 'POST',
      headers: session.headers,
      body: JSON.stringify({ projectId, title }),
    }),
  );
  return body.task.id;
}
