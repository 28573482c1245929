import type { Kysely } from 'kysely';
import type { Database } from '@taskboard/db';
import type { PasswordHasher } from './auth/passwords';
import type { SessionManager } from './auth/sessions';
import type { SignInThrottle } from './auth/sign-in-throttle';
import type { Config } from './config';
import type { EventBus } from './events/bus';
import type { Metrics } from './http/metrics';

/** What procedures work with, chosen once by `buildServer` from the configuration. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  sessions: SessionManager;
  passwords: PasswordHasher;
  signInThrottle: SignInThrottle;
  /** Committed events and session revocations, to every instance. */
  bus: EventBus;
  metrics: Metrics;
  /** The clock; tests inject their own to move time. */
  now: () => Date;
}
