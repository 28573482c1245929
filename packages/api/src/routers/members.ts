import { z } from 'zod';
import {
  addMemberInputSchema,
  memberRefInputSchema,
  memberRemoveResultSchema,
  memberSchema,
  memberWriteResultSchema,
  updateMemberRoleInputSchema,
} from '@taskboard/schema';
import * as members from '../domain/members';
import { authedProcedure, router } from '../trpc';

export const membersRouter = router({
  list: authedProcedure
    .input(z.object({ projectId: z.uuid() }))
    .output(z.array(memberSchema))
    .query(({ ctx, input }) => members.listMembers(ctx.deps, ctx.auth.user, input.projectId)),
  add: authedProcedure
    .input(addMemberInputSchema)
    .output(memberWriteResultSchema)
    .mutation(({ ctx, input }) => members.addMember(ctx.deps, ctx.auth.user, input)),
  updateRole: authedProcedure
    .input(updateMemberRoleInputSchema)
    .output(memberWriteResultSchema)
    .mutation(({ ctx, input }) => members.updateMemberRole(ctx.deps, ctx.auth.user, input)),
  remove: authedProcedure
    .input(memberRefInputSchema)
    .output(memberRemoveResultSchema)
    .mutation(({ ctx, input }) => members.removeMember(ctx.deps, ctx.auth.user, input)),
});
