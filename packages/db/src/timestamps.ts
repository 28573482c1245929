/** Rows carry `Date`s; the contract speaks ISO-8601 UTC strings. */
export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
