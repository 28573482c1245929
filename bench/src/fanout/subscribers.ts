// The subscribers' side of the fan-out benchmark: raw WebSocket clients speaking just enough of
// tRPC's protocol, and one round (a trigger, then the time until every one of them has the message).
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { z } from 'zod';
import { projectEventSchema } from '@taskboard/schema';

/** Connections opened (and subscribed) at once; the next batch waits for this one. */
const OPEN_BATCH = 100;
const HANDSHAKE_TIMEOUT_MS = 30_000;
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
export const trackedEventMessage = z.object({
  id: z.literal(SUBSCRIPTION_ID),
  result: z.object({
    type: z.literal('data'),
    id: z.string(),
    data: z.object({ id: z.string(), data: projectEventSchema }),
  }),
});

/** One round: a marker the message carries, and (for the floor) the exact bytes to send. */
export interface RoundSpec {
  marker: string;
  payload: Buffer | undefined;
}

export interface RoundResult {
  /** From sending the trigger until the last subscriber had the message. */
  allMs: number;
  firstMs: number;
  /** The trigger's own HTTP round trip (tasks.create, or the floor's /broadcast). */
  triggerMs: number;
  /** The message as subscriber 0 received it. */
  payload: Buffer;
}

export interface Subscribers {
  /** Sends a trigger and resolves when every subscriber has a message containing the marker. */
  round(marker: string, trigger: () => Promise<void>, timeoutMs: number): Promise<RoundResult>;
  close(): Promise<void>;
}

export interface Handshake {
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
export async function openSubscribers(
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

export function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}
