import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/**
 * Fractional-index keys (rocicorp/fractional-indexing) order tasks within a column: a move
 * writes one row. Keys compare byte-wise, which is why `tasks.position` is `collate "C"`.
 *
 * Every key a task gets ends with that task's own tie-breaker (its id, as hex), so no two
 * tasks share a key: moves into the same gap at once (or one after another, naming the same
 * neighbours) get the same key *prefix* and are ordered by id, as before, but each keeps a
 * gap of its own, so a later move can always land between any two of them. Without it, equal
 * keys had nothing between them and a drop between two of them landed after the whole run.
 */
export function positionBetween(
  lower: string | null,
  upper: string | null,
  taskId: string,
): string {
  // key + suffix > key > lower always; key + suffix < upper unless key is a prefix of upper
  // (the library may answer the upper key's integer part, say 'a1' for ('a0x', 'a1V')), in
  // which case a key between that one and upper is taken instead: each step is a longer
  // prefix of upper, or not a prefix at all, so this ends within upper's length.
  let key = generateKeyBetween(lower, upper);
  for (let step = 0; upper?.startsWith(key); step++) {
    if (step > upper.length) throw new Error(`no key between ${key} and ${upper}`);
    key = generateKeyBetween(key, upper);
  }
  return key + tieBreakerOf(taskId);
}

/**
 * The task id's hex digits (same order as the ids themselves, so equal prefixes sort by id),
 * closed with a digit other than '0' (a fractional-index key must not end in '0').
 */
export function tieBreakerOf(taskId: string): string {
  return `${taskId.replaceAll('-', '').toLowerCase()}V`;
}

/** `count` increasing keys after `lower` (for appending many tasks at once). */
export function positionsAfter(lower: string | null, count: number): string[] {
  return generateNKeysBetween(lower, null, count);
}
