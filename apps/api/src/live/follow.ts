import type { ProjectEvent } from '@taskboard/schema';
import type { Unsubscribe } from '../events/bus';

/** How one stream of events is read live and from the log. */
export interface EventSource {
  /** Starts delivering live events (and resync signals) to `push`. */
  listen(push: (item: ProjectEvent | 'resync') => void): Unsubscribe;
  /** Committed events after `afterId`, oldest first, at most `limit`. */
  readAfter(afterId: number, limit: number): Promise<ProjectEvent[]>;
  /** The id of the event before this one in this stream (the chain that reveals gaps). */
  previousOf(event: ProjectEvent): number | null;
}

const PAGE = 500;

/**
 * Every event of a stream after `lastEventId`, then live, with no gap and no duplicate.
 *
 * It listens before it reads the log, so an event committed during the replay is either in
 * the log page or in the queue (or both: duplicates are dropped by id). A live event whose
 * predecessor is newer than the last one delivered reveals a gap (a message the bus lost);
 * the gap is read from the log. A resync signal (the bus was down) does the same.
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
      const page = await source.readAfter(last, PAGE);
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
