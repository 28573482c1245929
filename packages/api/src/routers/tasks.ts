import {
  createTaskInputSchema,
  deleteResultSchema,
  listTasksInputSchema,
  moveTaskInputSchema,
  taskIdInputSchema,
  taskListSchema,
  taskRefInputSchema,
  taskSchema,
  taskWriteResultSchema,
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
    .output(taskWriteResultSchema)
    .mutation(({ ctx, input }) => tasks.createTask(ctx.deps, ctx.auth.user, input)),
  update: authedProcedure
    .input(updateTaskInputSchema)
    .output(taskWriteResultSchema)
    .mutation(({ ctx, input }) => tasks.updateTask(ctx.deps, ctx.auth.user, input)),
  move: authedProcedure
    .input(moveTaskInputSchema)
    .output(taskWriteResultSchema)
    .mutation(({ ctx, input }) => tasks.moveTask(ctx.deps, ctx.auth.user, input)),
  delete: authedProcedure
    .input(taskRefInputSchema)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => tasks.deleteTask(ctx.deps, ctx.auth.user, input)),
});
