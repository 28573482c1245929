import { initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context';
import { depsOf } from './deps';
import { appErrorOf, formatError, toTRPCError, unstorableTextErrorOf } from './errors';

const t = initTRPC.context<Context>().create({
  // Never put stacks in responses, in any environment.
  isDev: false,
  // Subscriptions run over WebSocket only, where revocation, caps and the origin check reach
  // them (the host refuses the HTTP form in the error contract).
  sse: { enabled: false },
  errorFormatter({ shape, error, path }) {
    const formatted = formatError(error, path);
    return {
      ...shape,
      message: formatted.message,
      data: { code: shape.data.code, ...formatted.data },
    };
  },
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/**
 * Domain code throws AppError; this gives it the tRPC code (and so the HTTP status) it maps to.
 * Text the database refuses to store (NUL characters) is the caller's error, not a 500.
 */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const appError = result.ok
    ? null
    : (appErrorOf(result.error) ?? unstorableTextErrorOf(result.error));
  if (appError) throw toTRPCError(appError);
  return result;
});

/**
 * The server's dependencies into `ctx.deps` (deps.ts): typed here, in the procedure builders,
 * and not in the root context, whose type every client's declarations carry (context.ts). It
 * runs first, so it gets the context object `createContext` made (later middlewares get
 * tRPC's copies).
 */
const withDeps = t.procedure.use(({ ctx, next }) => next({ ctx: { deps: depsOf(ctx) } }));

/** Per-procedure request count and latency for /metrics. */
const timed = withDeps.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const outcome = result.ok ? 'ok' : result.error.code;
  ctx.deps.metrics.observeProcedure(path, type, outcome, (performance.now() - started) / 1000);
  return result;
});

export const publicProcedure = timed.use(appErrors);

/** Requires a signed-in user; `ctx.auth` is non-null after it. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { ...ctx, auth: ctx.auth } });
});
