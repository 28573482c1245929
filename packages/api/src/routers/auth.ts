import { z } from 'zod';
import {
  loginInputSchema,
  registerInputSchema,
  revokeSessionInputSchema,
  sessionSchema,
  signedInSchema,
  signedOutSchema,
  userSchema,
} from '@taskboard/schema';
import * as accounts from '../domain/accounts';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  register: publicProcedure
    .input(registerInputSchema)
    .output(signedInSchema)
    .mutation(async ({ ctx, input }) => {
      const signedIn = await accounts.register(ctx.deps, input, ctx);
      ctx.setSessionCookie(signedIn.token, signedIn.expiresAt);
      return { ...signedIn, expiresAt: signedIn.expiresAt.toISOString() };
    }),
  login: publicProcedure
    .input(loginInputSchema)
    .output(signedInSchema)
    .mutation(async ({ ctx, input }) => {
      const signedIn = await accounts.login(ctx.deps, input, ctx);
      ctx.setSessionCookie(signedIn.token, signedIn.expiresAt);
      return { ...signedIn, expiresAt: signedIn.expiresAt.toISOString() };
    }),
  logout: authedProcedure.output(signedOutSchema).mutation(async ({ ctx }) => {
    await ctx.deps.sessions.revoke(ctx.auth.session.id);
    ctx.clearSessionCookie();
    return { ok: true as const };
  }),
  /** Signs out every session of the user, this one included. */
  logoutAll: authedProcedure.output(signedOutSchema).mutation(async ({ ctx }) => {
    await ctx.deps.sessions.revokeAll(ctx.auth.user.id);
    ctx.clearSessionCookie();
    return { ok: true as const };
  }),
  me: authedProcedure.output(userSchema).query(({ ctx }) => ctx.auth.user),
  sessions: authedProcedure
    .output(z.array(sessionSchema))
    .query(({ ctx }) => accounts.listSessions(ctx.deps, ctx.auth.user, ctx.auth.session.id)),
  revokeSession: authedProcedure
    .input(revokeSessionInputSchema)
    .output(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await accounts.revokeSession(ctx.deps, ctx.auth.user, input.id);
      return { id: input.id };
    }),
});
