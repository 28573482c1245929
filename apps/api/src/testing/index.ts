// What browser tests and benchmarks need to run the API as it is deployed: its own process in
// production mode, and the Chromium these machines have. `@taskboard/server/testing`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const apiDir = fileURLToPath(new URL('../..', import.meta.url));
/** The API's own tsx, to run its TypeScript entry points and scripts. */
export const tsx = join(apiDir, 'node_modules/.bin/tsx');

/** Debian's Chromium, with the flags it needs as root on a closed network (STACK-NOTES.md). */
export const chromiumLaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

/**
 * What every Playwright suite here shares: one test at a time (one API on one embedded
 * database, two CPU cores), no retries (a flaky test is a bug to see), traces kept on failure.
 */
export const playwrightDefaults = {
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  retries: 0,
  expect: { timeout: 10_000 },
  reporter: [['list']] satisfies [string][],
  use: { trace: 'retain-on-failure', launchOptions: chromiumLaunchOptions },
} as const;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}

export interface ApiProcess {
  url: string;
  /** SIGTERM, then waits for the exit (the API drains and closes its database). */
  stop(): Promise<void>;
  /** The process id (a fault test may signal it). */
  pid: number | undefined;
  /** Resolves when the process has exited, however that happened. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process is still running. */
  running(): boolean;
  /** What it wrote to stdout and stderr so far, when started with `output: 'capture'`. */
  output(): string;
}

export interface ApiProcessOptions {
  /** `inherit` (default): the test's own terminal; `capture`: kept for `output()`. */
  output?: 'inherit' | 'capture';
}

// A fresh embedded database initialises and migrates before the API listens; on a CI machine
// whose two cores run every package's tests at once that took over 60 s. A hang still ends.
const HEALTHY_WITHIN_MS = 180_000;

/**
 * Starts `apps/api/src/main.ts` in its own process, in production mode on plain http over
 * loopback, and resolves once `/healthz` answers. `env` adds the database (`DATA_DIR` or
 * `DATABASE_URL`), `WEB_DIST_DIR` and anything else. The port is chosen first (or given), so
 * the URL is known before start: a browser's Origin must be in ALLOWED_ORIGINS.
 */
export async function startApiProcess(
  env: Record<string, string>,
  port?: number,
  options: ApiProcessOptions = {},
): Promise<ApiProcess> {
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  // Node with tsx's loader, not the tsx command: that runs the server as a child of its own, so
  // `pid` (and a test's kill -9) would reach tsx and leave the server running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      PORT: String(listenPort),
      HOST: '127.0.0.1',
      ALLOWED_ORIGINS: url,
      RATE_LIMIT_MAX: '100000000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: options.output === 'capture' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  let captured = '';
  const capture = (chunk: Buffer) => {
    captured += chunk.toString('utf8');
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  // A test runner that dies must not leave the API holding its port and database.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', kill);
      resolve({ code, signal });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    process.off('exit', kill);
    if (running()) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the API exited with ${child.exitCode}${captured && `:\n${captured}`}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the API did not become healthy in ${HEALTHY_WITHIN_MS / 1000} s`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        return { url, stop, pid: child.pid, exited, running, output: () => captured };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
