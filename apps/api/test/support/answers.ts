import { expect } from 'vitest';

/**
 * A write's answer without its `eventId`, for comparing with what a read returns; checks that
 * the write committed an event (every write these tests make changes something).
 */
export function resultOf<T extends { eventId: number | null }>(answer: T): Omit<T, 'eventId'> {
  const { eventId, ...result } = answer;
  expect(eventId).toEqual(expect.any(Number));
  return result;
}
