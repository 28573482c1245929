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
} as const;
