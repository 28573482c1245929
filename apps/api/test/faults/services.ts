/**
 * The fault suite's harness: dependencies of the test's own, to break at will, and API
 * processes to break them under. The machine's shared PostgreSQL (5432) and Redis (6379) are
 * never touched.
 *
 * Usage (one environment per test file; everything it started is torn down in `dispose()`,
 * also when a test failed, and killed on the runner's exit if even that did not run):
 *
 *   const faults = createFaultEnvironment();
 *   afterAll(() => faults.dispose());
 *
 *   const pg = await faults.postgres();             // private cluster (initdb, pg_ctl)
 *   const redis = await faults.redis();             // private redis-server, nothing persisted
 *   const pgProxy = await faults.proxy(pg.port);    // TCP proxy in front of a port
 *   const api = await faults.api({ DATABASE_URL: pgProxy.url('postgres'), REDIS_URL: redis.url });
 *
 *   await pg.stop();              // pg_ctl stop -m fast (pg.stop('immediate') for a crash)
 *   await pg.start();             // same port and data: the API's pool reconnects
 *   await pg.restart();
 *   await pg.terminateBackends(); // pg_terminate_backend of every client backend but ours
 *   await pg.sql('select 1');     // psql as superuser, answers the rows as text
 *   await redis.kill();           // SIGKILL; redis.restart() starts it again on its port
 *   redis.pause(); redis.resume(); // SIGSTOP / SIGCONT: a hung Redis, not a dead one
 *   pgProxy.cut();                // reset every connection through it, refuse new ones
 *   pgProxy.cut('blackhole');     // keep connections, forward nothing (a partition)
 *   pgProxy.restore();
 *   api.running(); await api.exited; api.output(); // with faults.api(env, { output: 'capture' })
 *
 * Two API processes on one database: call `faults.api(...)` twice (one after the other: each
 * migrates on start). Processes run `src/main.ts` in production mode (see `startApiProcess`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startApiProcess,
  type ApiProcess,
  type ApiProcessOptions,
} from '../../src/testing';
import { waitForPort } from '../support/live';

/**
 * Where the PostgreSQL server binaries are: `PG_BIN` if set, else Debian's newest
 * /usr/lib/postgresql/<version>/bin (15 on these machines), else /usr/local/bin.
 */
const PG_BIN = postgresBinDir();

function postgresBinDir(): string {
  const chosen = process.env.PG_BIN;
  if (chosen) return chosen;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  return newest === undefined ? '/usr/local/bin' : join(root, newest, 'bin');
}
/** initdb and postgres refuse to run as root: they run as this system user. */
const PG_USER = 'postgres';
const START_TIMEOUT_S = 30;

type Cleanup = () => Promise<void> | void;

export interface FaultEnvironment {
  postgres(): Promise<PostgresCluster>;
  redis(): Promise<RedisServer>;
  proxy(targetPort: number): Promise<TcpProxy>;
  api(env: Record<string, string>, options?: ApiProcessOptions): Promise<ApiProcess>;
  /** Stops and removes everything this environment started, last started first. */
  dispose(): Promise<void>;
}

export function createFaultEnvironment(): FaultEnvironment {
  const cleanups: Cleanup[] = [];
  // If the runner dies before dispose(): at least no server outlives it (synchronous only).
  const emergency: (() => void)[] = [];
  const onExit = () => {
    for (const run of emergency.reverse()) {
      try {
        run();
      } catch {
        // best effort on the way out
      }
    }
  };
  process.once('exit', onExit);

  return {
    async postgres() {
      const cluster = await startPostgres();
      cleanups.push(() => cluster.dispose());
      emergency.push(() => {
        cluster.disposeSync();
      });
      return cluster;
    },
    async redis() {
      const server = await startRedis();
      cleanups.push(() => server.dispose());
      emergency.push(() => {
        server.disposeSync();
      });
      return server;
    },
    async proxy(targetPort) {
      const proxy = await startProxy(targetPort);
      cleanups.push(() => proxy.dispose());
      return proxy;
    },
    async api(env, options) {
      const api = await startApiProcess(env, undefined, options);
      cleanups.push(async () => {
        // A paused or cut-off dependency can make a graceful stop hang: not past a few seconds.
        const stopped = api.stop();
        const timer = setTimeout(() => {
          if (api.pid !== undefined && api.running()) process.kill(api.pid, 'SIGKILL');
        }, 5_000);
        await stopped;
        clearTimeout(timer);
      });
      emergency.push(() => {
        if (api.pid !== undefined && api.running()) process.kill(api.pid, 'SIGKILL');
      });
      return api;
    },
    async dispose() {
      const errors: unknown[] = [];
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          errors.push(error);
        }
      }
      emergency.length = 0;
      process.off('exit', onExit);
      if (errors.length > 0) throw new AggregateError(errors, 'fault environment cleanup failed');
    },
  };
}

// --- PostgreSQL --------------------------------------------------------------------------

export interface PostgresCluster {
  port: number;
  dataDir: string;
  /** A connection string to a database of this cluster (default `postgres`), via `port`. */
  url(database?: string, port?: number): string;
  start(): Promise<void>;
  /** `pg_ctl stop`: `fast` (default) aborts transactions and disconnects clients cleanly. */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  restart(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** Terminates client backends (all but this call's own, or the given pids); answers how many. */
  terminateBackends(pids?: number[]): Promise<number>;
  /** Runs SQL as the superuser through psql; answers each row as its tab-separated text. */
  sql(query: string, database?: string): Promise<string[]>;
  dispose(): Promise<void>;
  disposeSync(): void;
}

function runAsPostgres(command: string, args: string[]) {
  const result = spawnSync('runuser', ['-u', PG_USER, '--', join(PG_BIN, command), ...args], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

function runAsPostgresAsync(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('runuser', ['-u', PG_USER, '--', join(PG_BIN, command), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${output}`));
    });
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const root = mkdtempSync(join(tmpdir(), 'taskboard-faults-pg-'));
  const { uid, gid } = postgresIds();
  chownSync(root, uid, gid);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const port = await freePort();
  runAsPostgres('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    // Data survives a clean stop and a killed server process; only a machine crash (which no
    // test makes) would need fsync.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');

  let running = false;
  const start = async () => {
    await runAsPostgresAsync('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-o',
      options,
      '-w',
      '-t',
      String(START_TIMEOUT_S),
      'start',
    ]);
    running = true;
  };
  const stop = async (mode: 'smart' | 'fast' | 'immediate' = 'fast') => {
    await runAsPostgresAsync('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
    running = false;
  };
  const url = (database = 'postgres', viaPort = port) =>
    `postgres://postgres@127.0.0.1:${viaPort}/${database}`;
  const sql = (query: string, database = 'postgres') =>
    new Promise<string[]>((resolve, reject) => {
      const child = spawn(
        'psql',
        [url(database), '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code === 0) resolve(out.split('\n').filter((line) => line !== ''));
        else reject(new Error(`psql failed (${code}): ${err}`));
      });
    });
  const terminateBackends = async (pids?: number[]) => {
    const which =
      pids === undefined
        ? "backend_type = 'client backend' and pid <> pg_backend_pid()"
        : pids.length === 0
          ? 'false'
          : `pid in (${pids.map((pid) => String(Math.trunc(pid))).join(',')})`;
    const rows = await sql(
      `select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity where ${which}`,
    );
    return Number(rows[0] ?? 0);
  };
  const disposeSync = () => {
    if (running) {
      spawnSync('runuser', [
        '-u',
        PG_USER,
        '--',
        join(PG_BIN, 'pg_ctl'),
        '-D',
        dataDir,
        '-m',
        'immediate',
        '-w',
        'stop',
      ]);
      running = false;
    }
    rmSync(root, { recursive: true, force: true });
  };
  const dispose = async () => {
    if (running) await stop('immediate').catch(() => undefined);
    disposeSync();
  };

  await start();
  return {
    port,
    dataDir,
    url,
    start,
    stop,
    restart: async (mode) => {
      await stop(mode);
      await start();
    },
    terminateBackends,
    sql,
    dispose,
    disposeSync,
  };
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', PG_USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', PG_USER], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(`no '${PG_USER}' system user: the fault suite needs it to run PostgreSQL`);
  }
  return { uid, gid };
}

// --- Redis -------------------------------------------------------------------------------

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL (a crash): nothing is persisted, so it comes back empty. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung Redis). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  dispose(): Promise<void>;
  disposeSync(): void;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'taskboard-faults-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let paused = false;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    paused = false;
    await waitForPort(port);
  };
  const kill = async () => {
    const running = child;
    child = null;
    paused = false;
    if (running?.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    if (child === null) throw new Error('redis is not running');
    child.kill(name);
    paused = name === 'SIGSTOP';
  };
  const disposeSync = () => {
    if (child !== null) {
      if (paused) child.kill('SIGCONT');
      child.kill('SIGKILL');
      child = null;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    pause: () => {
      signal('SIGSTOP');
    },
    resume: () => {
      signal('SIGCONT');
    },
    dispose: async () => {
      await kill();
      disposeSync();
    },
    disposeSync,
  };
}

// --- TCP proxy ---------------------------------------------------------------------------

export interface TcpProxy {
  port: number;
  /** A URL of the same scheme and path as `target`, through this proxy. */
  url(target: string): string;
  /**
   * `reset` (default): every connection through it is destroyed and new ones are refused at
   * once, as when a host goes away. `blackhole`: connections stay open and new ones are
   * accepted, but nothing is forwarded until `restore()` (then what was held flows on).
   */
  cut(mode?: 'reset' | 'blackhole'): void;
  restore(): void;
  /** Connections currently open through it. */
  connections(): number;
  dispose(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  let state: 'open' | 'reset' | 'blackhole' = 'open';
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const pause = (pair: { client: Socket; upstream: Socket }) => {
    pair.client.pause();
    pair.upstream.pause();
  };
  const server: Server = createServer((client) => {
    if (state === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    if (state === 'blackhole') pause(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy not on TCP');
  const port = address.port;
  return {
    port,
    url(target) {
      const parsed = new URL(target);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut(mode = 'reset') {
      state = mode;
      for (const pair of pairs) {
        if (mode === 'reset') {
          pair.client.resetAndDestroy();
          pair.upstream.destroy();
        } else {
          pause(pair);
        }
      }
      if (mode === 'reset') pairs.clear();
    },
    restore() {
      state = 'open';
      for (const pair of pairs) {
        pair.client.resume();
        pair.upstream.resume();
      }
    },
    connections: () => pairs.size,
    async dispose() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

// --- helpers -----------------------------------------------------------------------------

/** Polls `probe` until it answers true, every `intervalMs`, failing after `timeoutMs`. */
export async function waitUntil(
  probe: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
