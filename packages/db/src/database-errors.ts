/** PostgreSQL's SQLSTATE for a unique-constraint violation (both `pg` and PGlite expose it). */
const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === UNIQUE_VIOLATION
  );
}
