// The rounds of the fan-out benchmark, run the same way on the API and on the floor: priming,
// warm-up until every subscriber listens, the timed rounds, and the server's memory around them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from '../processes';
import {
  openSubscribers,
  type Handshake,
  type RoundResult,
  type RoundSpec,
  type Subscribers,
} from './subscribers';

export const ROUNDS = 20;
/** Complete rounds before the timed ones (the JIT warms up on both servers alike). */
const WARM_UP_ROUNDS = 3;
/**
 * Connections that exercise the whole path before the memory baseline is read; their rounds'
 * times are the fixed cost of a round (trigger, one message) to set the fan-out against.
 */
export const PRIMING_CONNECTIONS = 20;
const PRIMING_ROUNDS = 10;
const ROUND_GAP_MS = 100;
const ROUND_TIMEOUT_MS = 30_000;
/** A subscription is `started` before it listens to the bus; rounds are retried until one reaches all. */
const SUBSCRIBE_ATTEMPT_MS = 5_000;
const SUBSCRIBE_ATTEMPTS = 10;

export interface Target {
  /** Opens subscribers on this server (for the API: a user's token and a project). */
  handshake: Handshake;
  /** Triggers round `spec`: tasks.create on the API, /broadcast of the same bytes on the floor. */
  trigger(spec: RoundSpec): Promise<void>;
}

/** Each round's marker and payload, by phase and index. */
export interface Specs {
  priming: (index: number) => RoundSpec;
  warmUp: (index: number) => RoundSpec;
  timed: (index: number) => RoundSpec;
}

export interface Measured {
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
export async function measure(
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
