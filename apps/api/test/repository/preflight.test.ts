// `pnpm test`'s first step (src/scripts/run-tests.ts): on a machine without a service the
// suites need it stops in seconds with one line per missing thing and the command that
// provides it (issue 10: it failed after 8 minutes with the reason buried). Run as a process,
// with `--check` (the checks only), against ports where nothing answers or nothing replies; the
// machine's own services are never touched.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDir, freePort } from '../../src/testing';

/** The bound: with a service stopped, `pnpm test` fails within 60 s naming it. */
const FAILS_WITHIN_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function preflight(env: Record<string, string | undefined>): Promise<Run> {
  const started = performance.now();
  const base = { ...process.env };
  delete base.TEST_DATABASE_URL;
  delete base.REDIS_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/scripts/run-tests.ts', '--check'],
      { cwd: apiDir, env: { ...base, ...env }, timeout: FAILS_WITHIN_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

describe('pnpm test, before running anything', () => {
  let silent: Server;
  let silentPort: number;
  const held: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers: a hung server, not a closed port.
    silent = createServer((socket) => {
      held.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentPort = address !== null && typeof address === 'object' ? address.port : 0;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('names a PostgreSQL and a Redis that do not answer, with the command that starts each', async () => {
    const closed = await freePort();
    const run = await preflight({
      TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/postgres`,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^pnpm test needs PostgreSQL: postgres://postgres@127.0.0.1:${closed}/postgres \\(TEST_DATABASE_URL\\) fails: ECONNREFUSED\\. Start it: `,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^pnpm test needs Redis: redis://127.0.0.1:${closed} \\(REDIS_URL\\) fails: ECONNREFUSED\\. Start it: redis-server `,
      ),
    );
    expect(run.ms).toBeLessThan(FAILS_WITHIN_MS);
  });

  it('names servers that accept connections but never answer', async () => {
    const run = await preflight({
      TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${silentPort}/postgres`,
      REDIS_URL: `redis://127.0.0.1:${silentPort}`,
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^pnpm test needs PostgreSQL: .* fails: .*Start it: /);
    expect(lines[1]).toMatch(/^pnpm test needs Redis: .* fails: .*Start it: /);
    expect(run.ms).toBeLessThan(FAILS_WITHIN_MS);
  });

  it('names docker-compose when it is not on PATH', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'taskboard-path-'));
    try {
      await symlink(process.execPath, join(bin, 'node'));
      const run = await preflight({ PATH: bin });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'pnpm test needs docker-compose: not on PATH (validates docker-compose.yml). Install it: apt-get install -y docker-compose\n',
      );
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it("uses the machine's own PostgreSQL and Redis on 127.0.0.1 when the variables are unset", async () => {
    const run = await preflight({});
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      "pnpm test uses PostgreSQL: postgres://postgres@127.0.0.1:5432/postgres, the machine's own (TEST_DATABASE_URL unset)\n" +
        "pnpm test uses Redis: redis://127.0.0.1:6379, the machine's own (REDIS_URL unset)\n",
    );
  });
});
