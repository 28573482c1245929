// The resume algorithm of live subscriptions (packages/api/src/follow.ts) against a log and a bus the
// test controls, so that the races the end-to-end suites can only hit by chance happen on
// purpose: an event committed while the replay reads the log, a bus message that was lost, one
// that arrives late or twice, a resync. The property is always the same: the events after the
// cursor, each once, in id order.
import { describe, expect, it } from 'vitest';
import type { ProjectEvent } from '@taskboard/schema';
import { followEvents, type EventSource } from '@taskboard/api/host';

const PROJECT = '11111111-1111-4111-8111-111111111111';

function event(id: number, previousId: number | null): ProjectEvent {
  return {
    id,
    projectId: PROJECT,
    actorId: null,
    recipientId: null,
    previousId,
    previousRecipientEventId: null,
    createdAt: new Date(0).toISOString(),
    type: 'task.deleted',
    payload: { taskId: PROJECT, previous: null },
  };
}

/** A log and a bus: `commit` appends to the log; what is published is up to the test. */
function fakeSource() {
  const log: ProjectEvent[] = [];
  let push: ((item: ProjectEvent | 'resync') => void) | null = null;
  let listening = false;
  const reads: number[] = [];
  let duringRead: (() => void) | null = null;
  /** Reads that fail as a database outage would, before the log answers again. */
  let failingReads = 0;
  let failures = 0;
  const source: EventSource = {
    listen(listener) {
      listening = true;
      push = listener;
      return () => {
        listening = false;
        push = null;
      };
    },
    readAfter(afterId, limit) {
      reads.push(afterId);
      if (failingReads > 0) {
        failingReads -= 1;
        failures += 1;
        return Promise.reject(new DatabaseDown());
      }
      // The snapshot is taken first; what `duringRead` commits is not in this page.
      const page = log.filter((each) => each.id > afterId).slice(0, limit);
      const hook = duringRead;
      duringRead = null;
      hook?.();
      return Promise.resolve(page);
    },
    previousOf: (each) => each.previousId,
    isUnavailable: (error) => error instanceof DatabaseDown,
  };
  return {
    source,
    reads,
    listening: () => listening,
    commit(count = 1): ProjectEvent[] {
      const added: ProjectEvent[] = [];
      for (let i = 0; i < count; i += 1) {
        const previous = log.at(-1)?.id ?? null;
        const next = event((previous ?? 0) + 1, previous);
        log.push(next);
        added.push(next);
      }
      return added;
    },
    publish(...items: (ProjectEvent | 'resync')[]) {
      for (const item of items) push?.(item);
    },
    onNextRead(hook: () => void) {
      duringRead = hook;
    },
    failNextReads(count: number) {
      failingReads = count;
    },
    failures: () => failures,
  };
}

class DatabaseDown extends Error {}

/** Runs the generator in the background, collecting ids. */
function collect(source: EventSource, lastEventId: number) {
  const controller = new AbortController();
  const ids: number[] = [];
  const done = (async () => {
    for await (const each of followEvents(source, lastEventId, controller.signal))
      ids.push(each.id);
  })();
  return {
    ids,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('followEvents', () => {
  it('listens before it reads: an event committed during the replay is delivered once', async () => {
    const bus = fakeSource();
    bus.commit(3);
    bus.onNextRead(() => {
      // Committed after the page's snapshot and published at once.
      expect(bus.listening()).toBe(true);
      bus.publish(...bus.commit());
    });
    const follower = collect(bus.source, 0);
    await expect.poll(() => follower.ids).toEqual([1, 2, 3, 4]);
    bus.publish(...bus.commit());
    await expect.poll(() => follower.ids).toEqual([1, 2, 3, 4, 5]);
    await follower.stop();
    expect(bus.listening()).toBe(false);
  });

  it('an event both replayed and published is delivered once', async () => {
    const bus = fakeSource();
    const early = bus.commit(2);
    const follower = collect(bus.source, 0);
    bus.publish(...early);
    await expect.poll(() => follower.ids).toEqual([1, 2]);
    bus.publish(...early, ...bus.commit());
    await expect.poll(() => follower.ids).toEqual([1, 2, 3]);
    await follower.stop();
  });

  it('replays page after page (more than one page of 500) from the cursor', async () => {
    const bus = fakeSource();
    bus.commit(1_234);
    const follower = collect(bus.source, 100);
    await expect.poll(() => follower.ids.length).toBe(1_134);
    expect(follower.ids).toEqual(range(101, 1_234));
    await follower.stop();
  });

  it('a lost bus message is read from the log when the next one shows the gap', async () => {
    const bus = fakeSource();
    const follower = collect(bus.source, 0);
    await expect.poll(() => bus.reads.length).toBe(1);
    const [lost, next] = bus.commit(2);
    if (!lost || !next) throw new Error('two events expected');
    bus.publish(next);
    await expect.poll(() => follower.ids).toEqual([1, 2]);
    // Arriving late after all: ignored.
    bus.publish(lost);
    bus.publish(...bus.commit());
    await expect.poll(() => follower.ids).toEqual([1, 2, 3]);
    await follower.stop();
  });

  it('out-of-order arrival (two instances publishing) keeps id order and delivers each once', async () => {
    const bus = fakeSource();
    const follower = collect(bus.source, 0);
    await expect.poll(() => bus.reads.length).toBe(1);
    const events = bus.commit(4);
    bus.publish(...[...events].reverse());
    await expect.poll(() => follower.ids).toEqual([1, 2, 3, 4]);
    await follower.stop();
  });

  it('a resync (the bus was down) reads what was committed meanwhile', async () => {
    const bus = fakeSource();
    const follower = collect(bus.source, 0);
    await expect.poll(() => bus.reads.length).toBe(1);
    bus.commit(3); // published while the bus was down: lost
    expect(follower.ids).toEqual([]);
    bus.publish('resync');
    await expect.poll(() => follower.ids).toEqual([1, 2, 3]);
    await follower.stop();
  });

  it('a catch-up that fails while the database is down is retried; the stream goes on', async () => {
    const bus = fakeSource();
    bus.commit(2);
    bus.failNextReads(3);
    const follower = collect(bus.source, 0);
    await expect.poll(() => follower.ids, { timeout: 10_000 }).toEqual([1, 2]);
    expect(bus.failures()).toBe(3);
    // The bus went down too: the resync's catch-up meets the dead database as well.
    bus.commit(2);
    bus.failNextReads(2);
    bus.publish('resync');
    await expect.poll(() => follower.ids, { timeout: 10_000 }).toEqual([1, 2, 3, 4]);
    bus.publish(...bus.commit());
    await expect.poll(() => follower.ids).toEqual([1, 2, 3, 4, 5]);
    expect(bus.failures()).toBe(5);
    await follower.stop();
  });

  it('an event without a row (project.deleted) is still delivered live', async () => {
    const bus = fakeSource();
    bus.commit(2);
    const follower = collect(bus.source, 0);
    await expect.poll(() => follower.ids).toEqual([1, 2]);
    bus.publish(event(7, 2));
    await expect.poll(() => follower.ids).toEqual([1, 2, 7]);
    await follower.stop();
  });
});
