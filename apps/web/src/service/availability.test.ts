// The availability store's readiness checks: one at a time, however the server flaps between
// answering SERVICE_UNAVAILABLE and serving. Fake timers stand in for Retry-After's wait.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AvailabilityStore } from './availability';

/** A readiness check the test answers by hand, counting how often it was asked. */
function manualProbe() {
  const pending: ((back: boolean) => void)[] = [];
  return {
    probe: () =>
      new Promise<boolean>((resolve) => {
        pending.push(resolve);
      }),
    asked: () => pending.length,
    answer: async (back: boolean) => {
      const resolve = pending.at(-1);
      if (!resolve) throw new Error('no check is waiting for an answer');
      resolve(back);
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

const unavailable = new Error('SERVICE_UNAVAILABLE');

describe('AvailabilityStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps one readiness check going when the server flaps while a check is in flight', async () => {
    const store = new AvailabilityStore();
    const readiness = manualProbe();
    store.setProbe(readiness.probe);

    store.markUnavailable(unavailable);
    await vi.advanceTimersByTimeAsync(store.retryAfterMs());
    expect(readiness.asked()).toBe(1);
    // While that check is out: a write goes through, then the next one is refused again.
    store.markAvailable();
    store.markUnavailable(unavailable);
    // The first check's "still down" must not start a second loop beside the new one.
    await readiness.answer(false);

    await vi.advanceTimersByTimeAsync(store.retryAfterMs());
    expect(readiness.asked()).toBe(2);
    await readiness.answer(false);
    await vi.advanceTimersByTimeAsync(store.retryAfterMs());
    expect(readiness.asked()).toBe(3);
    await readiness.answer(true);
    expect(store.isUnavailable()).toBe(false);
    await vi.advanceTimersByTimeAsync(store.retryAfterMs() * 3);
    expect(readiness.asked()).toBe(3);
  });
});
