import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { z } from 'zod';
import { createDisposableDatabase } from '@taskboard/db/testing';
import { projectEventSchema } from '@taskboard/schema';
import { startServerProcess, type ServerProcess } from './processes';
import { ms, percentiles, printTable, ratio } from './table';

const SIZES = [1_000, 5_000];
const ROUNDS = 20;
/** Complete rounds before the timed ones (the JIT warms up on both servers alike). */
const WARM_UP_ROUNDS = 3;
/** Connections opened (and subscribed) at once; the next batch waits for this one. */
const OPEN_BATCH = 100;
/**
 * Connections that exercise the whole path before the memory baseline is read; their rounds'
 * times are the fixed cost of a round (trigger, one message) to set the fan-out against.
 */
const PRIMING_CONNECTIONS = 20;
const PRIMING_ROUNDS = 10;
const ROUND_GAP_MS = 100;
const HANDSHAKE_TIMEOUT_MS = 30_000;
const ROUND_TIMEOUT_MS = 30_000;
/** A subscription is `started` before it listens to the bus; rounds are retried until one reaches all. */
const SUBSCRIBE_ATTEMPT_MS = 5_000;
const SUBSCRIBE_ATTEMPTS = 10;
const CHILD_OPEN_FILES = 65_536;
/** The tRPC request id of the one subscription each connection makes. */
const SUBSCRIPTION_ID = 2;

const startedMessage = z.object({
  id: z.literal(SUBSCRIPTION_ID),
  result: z.object({ type: z.literal('started') }),
});
const errorMessage = z.object({
  id: z.union([z.number(), z.string(), z.null()]),
  error: z.object({ message: z.string() }),
});
/** tRPC v11 wraps a `tracked()` value as `{ id, data }` and repeats the id on the result. */
const trackedEventMessage = z.object({
  id: z.literal(SUBSCRIPTION_ID),
  result: z.object({
    type: z.literal('data'),
    id: z.string(),
    data: z.object({ id: z.string(), data: projectEventSchema }),
  }),
});
const signedInResponse = z.object({
  result: z.object({ data: z.object({ token: z.string(), user: z.object({ id: z.string() }) }) }),
});
const createdResponse = z.object({ result: z.object({ data: z.object({ id: z.string() }) }) });
const broadcastResponse = z.object({ sent: z.number() });

/** One round: a marker the message carries, and (for the floor) the exact bytes to send. */
interface RoundSpec {
  marker: string;
  payload: Buffer | undefined;
}

interface RoundResult {
  /** From sending the trigger until the last subscriber had the message. */
  allMs: number;
  firstMs: number;
  /** The trigger's own HTTP round trip (tasks.create, or the floor's /broadcast). */
  triggerMs: number;
  /** The message as subscriber 0 received it. */
  payload: Buffer;
}

interface Subscribers {
  /** Sends a trigger and resolves when every subscriber has a message containing the marker. */
  round(marker: string, trigger: () => Promise<void>, timeoutMs: number): Promise<RoundResult>;
  close(): Promise<void>;
}

interface Handshake {
  token: string | undefined;
  projectId: string;
}

interface ActiveRound {
  id: number;
  marker: Buffer;
  remaining: number;
  firstAt: number;
  payload: Buffer | undefined;
  onDone: (at: number) => void;
  onFail: (error: Error) => void;
}

/**
 * `count` raw WebSocket clients speaking just enough of the tRPC protocol: connection params
 * with the token, one `events.project` subscription, PONG to the server's keep-alive PING.
 * Opened in batches of OPEN_BATCH, each batch waiting for its `started` answers.
 */
async function openSubscribers(
  baseUrl: string,
  count: number,
  handshake: Handshake,
): Promise<Subscribers> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/trpc?connectionParams=1`;
  const greeting = JSON.stringify({ method: 'connectionParams', data: { token: handshake.token } });
  const subscribe = JSON.stringify({
    id: SUBSCRIPTION_ID,
    method: 'subscription',
    params: { path: 'events.project', input: { projectId: handshake.projectId } },
  });
  const sockets: WebSocket[] = [];
  /** The round each subscriber last received (0: none yet). */
  const received = new Uint32Array(count);
  let active: ActiveRound | null = null;
  let failure: Error | null = null;
  let nextRound = 1;
  let closing = false;

  /** A subscriber failed after it started: the round under way (and every later one) fails. */
  function fail(error: Error) {
    failure ??= error;
    active?.onFail(error);
  }
  const failureSoFar = () => failure;

  function open(index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(socket);
      let started = false;
      const timer = setTimeout(() => {
        reject(new Error(`subscriber ${index}: no 'started' within ${HANDSHAKE_TIMEOUT_MS} ms`));
      }, HANDSHAKE_TIMEOUT_MS);
      socket.once('open', () => {
        socket.send(greeting);
        socket.send(subscribe);
      });
      socket.on('message', (data) => {
        if (!Buffer.isBuffer(data)) return;
        if (data.length === 4 && data.toString() === 'PING') {
          socket.send('PONG');
          return;
        }
        const round = active;
        if (round && received[index] !== round.id && data.includes(round.marker)) {
          received[index] = round.id;
          const at = performance.now();
          if (round.remaining === count) round.firstAt = at;
          if (index === 0) round.payload = data;
          round.remaining -= 1;
          if (round.remaining === 0) round.onDone(at);
          return;
        }
        const message = parseJson(data);
        if (!started && startedMessage.safeParse(message).success) {
          started = true;
          clearTimeout(timer);
          resolve();
          return;
        }
        const error = errorMessage.safeParse(message);
        if (error.success) {
          const problem = new Error(`subscriber ${index}: ${error.data.error.message}`);
          if (started) fail(problem);
          else reject(problem);
        }
        // Anything else is a message of a round given up on while subscriptions were starting.
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
        fail(error);
      });
      socket.once('close', (code) => {
        clearTimeout(timer);
        const problem = new Error(`subscriber ${index} closed (code ${code})`);
        reject(problem);
        if (!closing) fail(problem);
      });
    });
  }

  async function close() {
    closing = true;
    const closed = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) resolve();
          else
            socket.once('close', () => {
              resolve();
            });
        }),
    );
    for (const socket of sockets) socket.terminate();
    await Promise.race([Promise.all(closed), sleep(10_000)]);
  }

  try {
    for (let from = 0; from < count; from += OPEN_BATCH) {
      const batch: Promise<void>[] = [];
      for (let index = from; index < Math.min(count, from + OPEN_BATCH); index++)
        batch.push(open(index));
      await Promise.all(batch);
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    async round(marker, trigger, timeoutMs) {
      if (failure) throw failure;
      const id = nextRound++;
      let timer: NodeJS.Timeout | undefined;
      let triggerMs = NaN;
      let sentAt = 0;
      const delivered = new Promise<number>((resolve, reject) => {
        active = {
          id,
          marker: Buffer.from(marker),
          remaining: count,
          firstAt: NaN,
          payload: undefined,
          onDone: resolve,
          onFail: reject,
        };
        timer = setTimeout(() => {
          const missing = active?.remaining ?? count;
          reject(
            new Error(`${missing} of ${count} subscribers had no message after ${timeoutMs} ms`),
          );
        }, timeoutMs);
      });
      try {
        sentAt = performance.now();
        const triggered = trigger().then(() => {
          triggerMs = performance.now() - sentAt;
        });
        const [doneAt] = await Promise.all([delivered, triggered]);
        const failed = failureSoFar();
        if (failed) throw failed;
        const round = active;
        if (!round?.payload) throw new Error('subscriber 0 kept no message');
        return {
          allMs: doneAt - sentAt,
          firstMs: round.firstAt - sentAt,
          triggerMs,
          payload: round.payload,
        };
      } finally {
        clearTimeout(timer);
        active = null;
      }
    },
    close,
  };
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

interface Target {
  /** Opens subscribers on this server (for the API: a user's token and a project). */
  handshake: Handshake;
  /** Triggers round `spec`: tasks.create on the API, /broadcast of the same bytes on the floor. */
  trigger(spec: RoundSpec): Promise<void>;
}

/** Each round's marker and payload, by phase and index. */
interface Specs {
  priming: (index: number) => RoundSpec;
  warmUp: (index: number) => RoundSpec;
  timed: (index: number) => RoundSpec;
}

interface Measured {
  /** Time to all delivered with PRIMING_CONNECTIONS subscribers. */
  primingTimes: number[];
  times: number[];
  firsts: number[];
  triggers: number[];
  /** Resident memory added by the N connections once all are subscribed (first event reached all). */
  subscribedDelta: number;
  /** The same after all the rounds (what traffic leaves behind). */
  afterRoundsDelta: number;
  /** The rounds as they went (markers and subscriber 0's bytes), for the floor to replay. */
  warmUp: RoundSpec[];
  timed: RoundSpec[];
}

/**
 * Warm-up rounds until one reaches every subscriber (then all listen), WARM_UP_ROUNDS more,
 * then ROUNDS timed ones. `specs` supplies each round's marker and payload.
 */
async function runRounds(
  subscribers: Subscribers,
  target: Target,
  specs: Specs,
  onAllListening: () => Promise<void>,
) {
  const warmUp: RoundSpec[] = [];
  let complete = 0;
  for (let attempt = 0; complete <= WARM_UP_ROUNDS; attempt++) {
    const spec = specs.warmUp(attempt);
    const waitMs = complete === 0 ? SUBSCRIBE_ATTEMPT_MS : ROUND_TIMEOUT_MS;
    try {
      const result = await subscribers.round(spec.marker, () => target.trigger(spec), waitMs);
      warmUp.push({ marker: spec.marker, payload: result.payload });
      if (complete === 0) await onAllListening();
      complete += 1;
    } catch (error) {
      if (complete > 0 || attempt + 1 >= SUBSCRIBE_ATTEMPTS) throw error;
    }
    await sleep(ROUND_GAP_MS);
  }
  const results: RoundResult[] = [];
  const timed: RoundSpec[] = [];
  for (let index = 0; index < ROUNDS; index++) {
    const spec = specs.timed(index);
    const result = await subscribers.round(
      spec.marker,
      () => target.trigger(spec),
      ROUND_TIMEOUT_MS,
    );
    results.push(result);
    timed.push({ marker: spec.marker, payload: result.payload });
    await sleep(ROUND_GAP_MS);
  }
  return { results, warmUp, timed };
}

/**
 * One server with `count` subscribers: primes the path with a few connections, reads the
 * baseline memory, opens `count`, runs the rounds, reads the memory with them open.
 */
async function measure(
  server: ServerProcess,
  count: number,
  target: Target,
  specs: Specs,
): Promise<Measured> {
  const priming = await openSubscribers(server.url, PRIMING_CONNECTIONS, target.handshake);
  let primingTimes: number[];
  try {
    primingTimes = await runRoundsBriefly(priming, target, specs.priming);
  } finally {
    await priming.close();
  }
  await sleep(500);
  const baseline = await server.residentBytes();
  const subscribers = await openSubscribers(server.url, count, target.handshake);
  try {
    let subscribed = NaN;
    const { results, warmUp, timed } = await runRounds(subscribers, target, specs, async () => {
      subscribed = await server.residentBytes();
    });
    const loaded = await server.residentBytes();
    return {
      primingTimes,
      times: results.map((result) => result.allMs),
      firsts: results.map((result) => result.firstMs),
      triggers: results.map((result) => result.triggerMs),
      subscribedDelta: subscribed - baseline,
      afterRoundsDelta: loaded - baseline,
      warmUp,
      timed,
    };
  } finally {
    await subscribers.close();
  }
}

/** Priming: PRIMING_ROUNDS complete rounds on a handful of connections; their times. */
async function runRoundsBriefly(
  subscribers: Subscribers,
  target: Target,
  spec: (index: number) => RoundSpec,
): Promise<number[]> {
  const times: number[] = [];
  for (let attempt = 0; times.length < PRIMING_ROUNDS; attempt++) {
    const round = spec(attempt);
    try {
      const result = await subscribers.round(
        round.marker,
        () => target.trigger(round),
        SUBSCRIBE_ATTEMPT_MS,
      );
      times.push(result.allMs);
    } catch (error) {
      // Only while the first subscriptions start listening (they may miss the first events).
      if (times.length > 0 || attempt + 1 >= SUBSCRIBE_ATTEMPTS) throw error;
    }
    await sleep(ROUND_GAP_MS);
  }
  return times;
}

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

interface Row {
  server: 'API' | 'floor';
  count: number;
  measured: Measured;
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
        const signedIn = signedInResponse.parse(
          await post(
            `${api.url}/trpc/auth.register`,
            JSON.stringify({
              email: `fanout-${nonce}-${count}@example.com`,
              name: 'Fan-out bench',
              password: 'a long bench password',
            }),
          ),
        ).result.data;
        const projectId = createdResponse.parse(
          await post(
            `${api.url}/trpc/projects.create`,
            JSON.stringify({ name: `Fan-out ${count}` }),
            signedIn.token,
          ),
        ).result.data.id;
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

function printFanOut(rows: Row[], load: { before: number; after: number }): void {
  const floorOf = (count: number) =>
    rows.find((row) => row.server === 'floor' && row.count === count);
  const perConnection = (row: Row) => row.measured.subscribedDelta / row.count;
  const perConnectionAfter = (row: Row) => row.measured.afterRoundsDelta / row.count;
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const verdicts: string[] = [];
  const table = rows.map((row) => {
    const times = percentiles(row.measured.times);
    const firsts = percentiles(row.measured.firsts);
    const triggers = percentiles(row.measured.triggers);
    const floor = row.server === 'API' ? floorOf(row.count) : undefined;
    const floorTimes = floor && percentiles(floor.measured.times);
    if (floor && floorTimes) {
      if (row.count === 1_000) {
        verdicts.push(verdict(`time to all delivered at ${row.count}`, times.p50 / floorTimes.p50));
      }
      verdicts.push(
        verdict(`RSS/connection at ${row.count}`, perConnection(row) / perConnection(floor)),
      );
    }
    return [
      row.server === 'API' ? 'API: tRPC events.project' : 'floor: bare ws broadcast',
      row.count.toLocaleString('en'),
      ms(percentiles(row.measured.primingTimes).p50),
      ms(times.p50),
      ms(times.p99),
      ms(firsts.p50),
      ms(triggers.p50),
      mib(row.measured.subscribedDelta),
      kib(perConnection(row)),
      kib(perConnectionAfter(row)),
      floor && floorTimes ? ratio(times.p50, floorTimes.p50) : '',
      floor ? ratio(perConnection(row), perConnection(floor)) : '',
      floor ? ratio(perConnectionAfter(row), perConnectionAfter(floor)) : '',
    ];
  });
  printTable(
    `Live fan-out: one change to N subscribers (in-process bus, PostgreSQL), ${ROUNDS} rounds; ` +
      `"all delivered": from sending the trigger until every subscriber has the message (p99 of ${ROUNDS} is the worst; ` +
      `"p50 at ${PRIMING_CONNECTIONS}": the same with ${PRIMING_CONNECTIONS} subscribers, the fixed cost of a round); ` +
      'RSS: after a full GC, minus before the N connections were opened, once all are subscribed and after the rounds',
    [
      'server',
      'subscribers',
      `p50 at ${PRIMING_CONNECTIONS}`,
      'all delivered p50',
      'p99',
      'first p50',
      'trigger HTTP p50',
      'RSS delta',
      'RSS/conn',
      'RSS/conn after rounds',
      'p50 vs floor',
      'RSS/conn vs floor',
      'after rounds vs floor',
    ],
    table,
  );
  console.log(`targets (≤ 1.5× floor): ${verdicts.join('; ')}`);
  console.log(
    `load average (1 min) ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after, on ${availableParallelism()} CPUs: ` +
      'other work on the machine shows up in the times',
  );
}

function verdict(name: string, value: number): string {
  return `${name} ${value.toFixed(2)}× ${value <= 1.5 ? 'met' : 'MISSED'}`;
}
