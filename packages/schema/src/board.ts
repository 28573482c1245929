import { z } from 'zod';
import { idSchema } from './common';
import { LIMITS } from './limits';
import { projectSchema } from './projects';
import { taskSchema, taskStatusSchema } from './tasks';

const columnLimitSchema = z
  .number()
  .int()
  .min(1)
  .max(LIMITS.boardColumnPageMax)
  .default(LIMITS.boardColumnPageDefault);

export const boardInputSchema = z.object({
  projectId: idSchema,
  limit: columnLimitSchema,
});
export type BoardInput = z.infer<typeof boardInputSchema>;

export const boardColumnInputSchema = z.object({
  projectId: idSchema,
  status: taskStatusSchema,
  /** The `nextCursor` of the page before; opaque to clients. */
  cursor: z.string().min(1).max(LIMITS.boardCursorMax),
  limit: columnLimitSchema,
});
export type BoardColumnInput = z.infer<typeof boardColumnInputSchema>;

export const boardColumnSchema = z.object({
  status: taskStatusSchema,
  /** Every task in the column, not only the ones on this page. */
  count: z.number().int().min(0),
  tasks: z.array(taskSchema),
  /** Null when the column has no more tasks. */
  nextCursor: z.string().nullable(),
});
export type BoardColumn = z.infer<typeof boardColumnSchema>;

export const boardSchema = z.object({
  project: projectSchema,
  columns: z.array(boardColumnSchema),
  /** The newest event of the project when the board was read: subscribe from here. */
  lastEventId: z.number().int().min(0),
});
export type Board = z.infer<typeof boardSchema>;
