import { z } from 'zod';
import {
  archiveProjectInputSchema,
  createProjectInputSchema,
  deleteResultSchema,
  listProjectsInputSchema,
  projectCreateResultSchema,
  projectIdInputSchema,
  projectListItemSchema,
  projectWithRoleSchema,
  projectWriteResultSchema,
  updateProjectInputSchema,
} from '@taskboard/schema';
import * as projects from '../domain/projects';
import { authedProcedure, router } from '../trpc';

export const projectsRouter = router({
  list: authedProcedure
    .input(listProjectsInputSchema)
    .output(z.array(projectListItemSchema))
    .query(({ ctx, input }) => projects.listProjects(ctx.deps, ctx.auth.user, input)),
  get: authedProcedure
    .input(projectIdInputSchema)
    .output(projectWithRoleSchema)
    .query(({ ctx, input }) => projects.getProject(ctx.deps, ctx.auth.user, input.id)),
  create: authedProcedure
    .input(createProjectInputSchema)
    .output(projectCreateResultSchema)
    .mutation(({ ctx, input }) => projects.createProject(ctx.deps, ctx.auth.user, input)),
  update: authedProcedure
    .input(updateProjectInputSchema)
    .output(projectWriteResultSchema)
    .mutation(({ ctx, input }) => projects.updateProject(ctx.deps, ctx.auth.user, input)),
  archive: authedProcedure
    .input(archiveProjectInputSchema)
    .output(projectWriteResultSchema)
    .mutation(({ ctx, input }) => projects.archiveProject(ctx.deps, ctx.auth.user, input)),
  delete: authedProcedure
    .input(projectIdInputSchema)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => projects.deleteProject(ctx.deps, ctx.auth.user, input.id)),
});
