import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { z } from 'zod';
import { createDisposableDatabase } from '@taskboard/db/testing';
import { createProject, registerUser } from '@taskboard/test-kit';
import { startServerProcess } from '../processes';
import { printFanOut, type Row } from './report';
import { measure, type Measured } from './rounds';
import { parseJson, trackedEventMessage, type RoundSpec } from './subscribers';

/**
 * Subscriber counts. `BENCH_FANOUT_SIZES=20,50` runs the benchmark small, to check that it still
 * runs and prints its table; the figures that count are the default sizes'.
 */
const SIZES = z
  .string()
  .regex(/^\d+(,\d+)*$/)
  .transform((sizes) => sizes.split(',').map(Number))
  .default([1_000, 5_000])
  .parse(process.env.BENCH_FANOUT_SIZES);
const CHILD_OPEN_FILES = 65_536;

const broadcastResponse = z.object({ sent: z.number() });

async function post(url: string, body: string | Buffer, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    body,
  });
  const parsed: unknown = await response.json();
  if (!response.ok) throw new Error(`POST ${url} failed: ${JSON.stringify(parsed)}`);
  return parsed;
}

/** The soft open-file limit of this process (it holds one end of every connection). */
async function openFileLimit(): Promise<number> {
  const limits = await readFile('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

/**
 * Live fan-out: one change reaching N subscribers of a project, N = 1,000 and 5,000. The API
 * (tRPC `events.project` over WebSocket, in-process bus, PostgreSQL) against the floor (a bare
 * `ws` server broadcasting the very bytes the API sent), each in its own process, measured the
 * same way: time from sending the trigger until every subscriber has the message, and the
 * server's resident memory per open connection.
 */
export async function benchFanOut(serverUrl: string): Promise<void> {
  const largest = Math.max(...SIZES);
  const limit = await openFileLimit();
  if (limit < largest + 1_000) {
    throw new Error(
      `fan-out needs ${largest + 1_000} open files in this process (soft limit ${limit}): ` +
        `run \`ulimit -n ${CHILD_OPEN_FILES}\` first`,
    );
  }
  const database = await createDisposableDatabase({ engine: 'postgres', serverUrl });
  const env = {
    DATABASE_URL: database.url ?? '',
    // The in-process bus: no Redis, even if the environment names one.
    REDIS_URL: '',
    RATE_LIMIT_MAX: '1000000000',
    // Every subscriber is one user from one address: the live connection caps would refuse them.
    LIVE_MAX_CONNECTIONS_PER_USER: '1000000',
    LIVE_MAX_CONNECTIONS_PER_IP: '1000000',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  };
  const nonce = randomBytes(4).toString('hex');
  const loadBefore = loadavg()[0] ?? NaN;
  const rows: Row[] = [];
  try {
    for (const count of SIZES) {
      const markerOf = (kind: string, index: number) =>
        `fanout-${nonce}-${count}-${kind}-${String(index).padStart(3, '0')}-end`;

      const api = await startServerProcess('api', env, { openFiles: CHILD_OPEN_FILES });
      let apiMeasured: Measured;
      try {
        const signedIn = await registerUser(api.url, 'Fan-out bench');
        const projectId = (await createProject(api.url, signedIn, `Fan-out ${count}`)).id;
        apiMeasured = await measure(
          api,
          count,
          {
            handshake: { token: signedIn.token, projectId },
            async trigger(spec) {
              await post(
                `${api.url}/trpc/tasks.create`,
                JSON.stringify({ projectId, title: spec.marker, priority: 'high' }),
                signedIn.token,
              );
            },
          },
          {
            priming: (index) => ({ marker: markerOf('prime', index), payload: undefined }),
            warmUp: (index) => ({ marker: markerOf('warm', index), payload: undefined }),
            timed: (index) => ({ marker: markerOf('timed', index), payload: undefined }),
          },
        );
      } finally {
        await api.stop();
      }
      // What the API sent is what the floor sends: check it is the event, as tRPC frames it.
      const sample = apiMeasured.timed[0]?.payload;
      if (!sample) throw new Error('no event captured from the API');
      trackedEventMessage.parse(parseJson(sample));
      rows.push({ server: 'API', count, measured: apiMeasured });

      const floor = await startServerProcess('ws-floor', {}, { openFiles: CHILD_OPEN_FILES });
      try {
        const replay = (specs: RoundSpec[]) => (index: number) => {
          const spec = specs[index % specs.length];
          if (!spec) throw new Error('nothing captured to replay');
          return spec;
        };
        const floorMeasured = await measure(
          floor,
          count,
          {
            handshake: { token: undefined, projectId: '00000000-0000-0000-0000-000000000000' },
            async trigger(spec) {
              if (!spec.payload) throw new Error('a floor round without a payload');
              const { sent } = broadcastResponse.parse(
                await post(`${floor.url}/broadcast`, spec.payload),
              );
              if (sent === 0) throw new Error('the floor had no clients to broadcast to');
            },
          },
          {
            priming: replay(apiMeasured.warmUp),
            warmUp: replay(apiMeasured.warmUp),
            timed: replay(apiMeasured.timed),
          },
        );
        rows.push({ server: 'floor', count, measured: floorMeasured });
      } finally {
        await floor.stop();
      }
    }
  } finally {
    await database.dispose();
  }
  printFanOut(rows, { before: loadBefore, after: loadavg()[0] ?? NaN });
}
