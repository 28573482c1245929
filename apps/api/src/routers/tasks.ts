import { z } from 'zod';
import {
  createTaskInputSchema,
  listTasksInputSchema,
  moveTaskInputSchema,
  taskIdInputSchema,
  taskListSchema,
  taskRefInputSchema,
  taskSchema,
  updateTaskInputSchema,
} from '@taskboard/schema';
import * as tasks from '../domain/tasks';
import { authedProcedure, router } from '../trpc';

export const tasksRouter = router({
  list: authedProcedure
    .input(listTasksInputSchema)
    .output(taskListSchema)
    .query(({ ctx, input }) => tasks.listTasks(ctx.deps, ctx.auth.user, input)),
  get: authedProcedure
    .input(taskIdInputSchema)
    .output(taskSchema)
    .query(({ ctx, input }) => tasks.getTask(ctx.deps, ctx.auth.user, input.id)),
  create: authedProcedure
    .input(createTaskInputSchema)
    .output(taskSchema)
    .mutation(({ ctx, input }) => tasks.createTask(ctx.deps, ctx.auth.user, input)),
  update: authedProcedure
    .input(updateTaskInputSchema)
    .output(taskSchema)
    .mutation(({ ctx, input }) => tasks.updateTask(ctx.deps, ctx.auth.user, input)),
  move: authedProcedure
    .input(moveTaskInputSchema)
    .output(taskSchema)
    .mutation(({ ctx, input }) => tasks.moveTask(ctx.deps, ctx.auth.user, input)),
  delete: authedProcedure
    .input(taskRefInputSchema)
    .output(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await tasks.deleteTask(ctx.deps, ctx.auth.user, input);
      return { id: input.id };
    }),
});
