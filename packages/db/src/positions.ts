import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/**
 * Fractional-index keys (rocicorp/fractional-indexing) order tasks within a column: a move
 * writes one row. Keys compare byte-wise, which is why `tasks.position` is `collate "C"`.
 */
export function positionBetween(lower: string | null, upper: string | null): string {
  return generateKeyBetween(lower, upper);
}

/** `count` increasing keys after `lower` (for appending many tasks at once). */
export function positionsAfter(lower: string | null, count: number): string[] {
  return generateNKeysBetween(lower, null, count);
}
