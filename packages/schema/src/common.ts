import { z } from 'zod';

export const idSchema = z.uuid();

/** ISO-8601 timestamp on the wire; the data layer always emits UTC (`…Z`). */
export const timestampSchema = z.iso.datetime({ offset: true });

/**
 * A timestamp supplied by a caller. Any offset is accepted and normalised to UTC, so what is
 * stored and echoed back is always `…Z`.
 */
export const timestampInputSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

export const paginationSchema = z.object({
  page: z.number().int().min(1),
  limit: z.number().int().min(1),
  total: z.number().int().min(0),
  totalPages: z.number().int().min(0),
});
export type Pagination = z.infer<typeof paginationSchema>;
