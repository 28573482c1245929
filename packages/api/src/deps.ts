import type { Kysely } from 'kysely';
import type { Database } from '@taskboard/db';
import type { EventBus } from './bus';
import type { Context } from './context';
import type { PasswordHasher, ProcedureMetrics, SessionManager, SignInThrottle } from './ports';

/** What procedures work with, chosen once by the host (`buildServer`) from its configuration. */
export interface AppDeps {
  db: Kysely<Database>;
  sessions: SessionManager;
  passwords: PasswordHasher;
  signInThrottle: SignInThrottle;
  /** Committed events and session revocations, to every instance. */
  bus: EventBus;
  metrics: ProcedureMetrics;
  /** The clock; tests inject their own to move time. */
  now: () => Date;
}

/**
 * Each context's dependencies. They are kept beside the context, not in it, because the
 * context's type is part of `AppRouter` (context.ts): a `deps` field there would put Kysely,
 * and through the ports the data layer's row types, into every client's declarations.
 */
const depsOfContext = new WeakMap<Context, AppDeps>();

/**
 * The context of one request or live connection, as a transport builds it, bound to the
 * server's dependencies. Every context a procedure runs with is made here.
 */
export function createContext(deps: AppDeps, request: Context): Context {
  const context: Context = { ...request };
  depsOfContext.set(context, deps);
  return context;
}

/** The dependencies `createContext` bound to a context; throws for one it did not make. */
export function depsOf(context: Context): AppDeps {
  const deps = depsOfContext.get(context);
  if (!deps) throw new Error('This context was not made by createContext: it has no dependencies');
  return deps;
}
