import type { ProjectEvent } from '@taskboard/schema';
import type { Unsubscribe } from './bus';

/** How one stream of events is read live and from the log. */
export interface EventSource {
  /** Starts delivering live events (and resync signals) to `push`. */
  listen(push: (item: ProjectEvent | 'resync') => void): Unsubscribe;
  /** Committed events after `afterId`, oldest first, at most `limit`. */
  readAfter(afterId: number, limit: number): Promise<ProjectEvent[]>;
  /** The id of the event before this one in this stream (the chain that reveals gaps). */
  previousOf(event: ProjectEvent): number | null;
  /** Whether a failed read is worth retrying (the database is down, not the query wrong). */
  isUnavailable(error: unknown): boolean;
}

const PAGE = 500;
/** Retries of a read while the database is down back off from this… */
const RETRY_FIRST_MS = 250;
/** …to this, so a subscription resumes within about this long after the database is back. */
const RETRY_MAX_MS = 2_000;

/**
 * Runs `read` until it succeeds, waiting with backoff (and jitter, so that a thousand
 * subscriptions do not retry in step) while it fails with an error `isUnavailable` accepts.
 * Any other error is thrown; so is the last one once `signal` aborts.
 */
export async function retryWhileUnavailable<T>(
  read: () => Promise<T>,
  options: { isUnavailable: (error: unknown) => boolean; signal: AbortSignal | undefined },
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (!options.isUnavailable(error) || options.signal?.aborted) throw error;
      const delay = Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS);
      await sleep(delay * (0.75 + Math.random() * 0.5), options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

/**
 * Every event of a stream after `lastEventId`, then live, with no gap and no duplicate.
 *
 * It listens before it reads the log, so an event committed during the replay is either in
 * the log page or in the queue (or both: duplicates are dropped by id). A live event whose
 * predecessor is newer than the last one delivered reveals a gap (a message the bus lost);
 * the gap is read from the log. A resync signal (the bus was down) does the same. A read that
 * fails because the database is down is retried with backoff: the subscription stays open
 * through a database outage and goes on where it was once the database answers again.
 */
export async function* followEvents(
  source: EventSource,
  lastEventId: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ProjectEvent> {
  const queue: (ProjectEvent | 'resync')[] = [];
  let wake: (() => void) | null = null;
  const stop = source.listen((item) => {
    queue.push(item);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);

  let last = lastEventId;
  async function* catchUp(): AsyncGenerator<ProjectEvent> {
    for (;;) {
      const page = await retryWhileUnavailable(() => source.readAfter(last, PAGE), {
        isUnavailable: (error) => source.isUnavailable(error),
        signal,
      });
      for (const event of page) {
        last = event.id;
        yield event;
      }
      if (page.length < PAGE) return;
    }
  }

  try {
    yield* catchUp();
    while (!signal?.aborted) {
      const item = queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      if (item === 'resync') {
        yield* catchUp();
        continue;
      }
      if (item.id <= last) continue;
      const previous = source.previousOf(item);
      if (previous !== null && previous > last) {
        yield* catchUp();
        // The log holds the event itself unless it has no row (`project.deleted`).
        if (item.id <= last) continue;
      }
      last = item.id;
      yield item;
    }
  } finally {
    stop();
    signal?.removeEventListener('abort', onAbort);
  }
}
