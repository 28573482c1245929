import { z } from 'zod';
import { LIMITS } from './limits';

/**
 * An event id to resume after. tRPC hands back the last `tracked` id as a string on
 * reconnect; clients may send a number.
 */
export const lastEventIdSchema = z
  .union([
    z.number().int().min(0),
    z
      .string()
      .regex(new RegExp(`^\\d{1,${LIMITS.eventIdDigitsMax}}$`))
      .transform(Number),
  ])
  .nullish();

/** A WebSocket's connection params: the session token, when the cookie is not sent. */
export const connectionParamsSchema = z
  .object({ token: z.string().max(LIMITS.sessionTokenMax) })
  .partial()
  .nullable();
export type ConnectionParams = z.infer<typeof connectionParamsSchema>;
