import { z } from 'zod';

export const idSchema = z.uuid();

/** ISO-8601 timestamp on the wire; the data layer always emits UTC (`…Z`). */
export const timestampSchema = z.iso.datetime({ offset: true });

/**
 * A timestamp supplied by a caller. Any offset is accepted and normalised to UTC, so what is
 * stored and echoed back is always `…Z`. The normalised value must itself be a valid
 * `timestampSchema`: an offset can push 9999-12-31 into year 10000, which `toISOString()`
 * writes as `+010000-…` and which every later read would then fail to validate.
 */
export const timestampInputSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .pipe(timestampSchema);

export const paginationSchema = z.object({
  page: z.number().int().min(1),
  limit: z.number().int().min(1),
  total: z.number().int().min(0),
  totalPages: z.number().int().min(0),
});
export type Pagination = z.infer<typeof paginationSchema>;
