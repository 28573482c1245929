import {
  boardColumnInputSchema,
  boardColumnSchema,
  boardInputSchema,
  boardSchema,
} from '@taskboard/schema';
import * as tasks from '../domain/tasks';
import { authedProcedure, router } from '../trpc';

export const boardRouter = router({
  get: authedProcedure
    .input(boardInputSchema)
    .output(boardSchema)
    .query(({ ctx, input }) => tasks.getBoard(ctx.deps, ctx.auth.user, input)),
  /** The next page of one column, from a `nextCursor`. */
  column: authedProcedure
    .input(boardColumnInputSchema)
    .output(boardColumnSchema)
    .query(({ ctx, input }) => tasks.getBoardColumn(ctx.deps, ctx.auth.user, input)),
});
