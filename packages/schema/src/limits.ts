/**
 * Every field limit of the product contract (SPEC.md), defined once. The Zod schemas, the
 * database CHECK constraints (packages/db migrations), the web forms and the OpenAPI
 * document all derive from these numbers.
 */
export const LIMITS = {
  emailMax: 254,
  userNameMax: 100,
  passwordMin: 8,
  passwordMax: 128,
  projectNameMax: 100,
  projectDescriptionMax: 1000,
  taskTitleMax: 200,
  taskDescriptionMax: 1000,
  searchMax: 100,
  pageLimitMax: 100,
  pageLimitDefault: 20,
  boardColumnPageDefault: 200,
  boardColumnPageMax: 500,
  /** A board column's `nextCursor` as sent back; longer is not one the server made. */
  boardCursorMax: 1000,
  /** A session's `User-Agent` is kept (and shown in the sessions list) up to this length. */
  userAgentMax: 512,
  /** A session id as a client names it (`auth.revokeSession`). */
  sessionIdMax: 128,
  /** A session token in a WebSocket's connection params. */
  sessionTokenMax: 256,
  /**
   * Digits of an event id sent as a string (tRPC resends the last `tracked` id as one): 15
   * digits stay below Number.MAX_SAFE_INTEGER, so the id survives the conversion exactly.
   */
  eventIdDigitsMax: 15,
} as const;
