import type { Session, SessionWithUser } from '@taskboard/db';

/*
 * The backends procedures call, as interfaces: the host (apps/api) implements them and chooses
 * the implementation by configuration (Redis or in-process, argon2, prom-client); the router
 * only ever sees these. The event bus's interface is in bus.ts, beside its in-process version.
 */

/** A session `validate` accepted (live, renewed when due), with its user. */
export type ValidatedSession = SessionWithUser;

/** Sessions per SPEC.md (the Lucia guide): the client holds a token, the server its SHA-256. */
export interface SessionManager {
  /** Starts a session; the token goes to the client and is never stored. */
  create(userId: string, userAgent: string | null): Promise<{ token: string; session: Session }>;
  /** The session behind a token, renewed when due; null if unknown, expired or revoked. */
  validate(token: string): Promise<ValidatedSession | null>;
  /** Revokes one session (only the user's own, when `userId` is given). */
  revoke(sessionId: string, userId?: string): Promise<boolean>;
  /** Revokes every session of the user. */
  revokeAll(userId: string): Promise<void>;
  list(userId: string): Promise<Session[]>;
}

export interface PasswordHasher {
  /** argon2id with the OWASP parameters, computed off the event loop. */
  hash(password: string): Promise<string>;
  /** Checks a password; a null hash (unknown account) costs as much and answers false. */
  verify(hash: string | null, password: string): Promise<boolean>;
  /** Whether the password is on the list of the most common ones. */
  isCommon(password: string): boolean;
}

export interface SignInAttempt {
  email: string;
  ip: string;
}

/**
 * Limits failed sign-ins per account and per IP (SPEC.md: e.g. 10 per 15 minutes).
 *
 * An attempt counts as a failure from the moment it starts until it succeeds: counting only
 * after the password check would let any number of guesses sent at once all pass the check
 * before the first of them is counted.
 */
export interface SignInThrottle {
  /**
   * Counts the attempt against both limits, or throws TOO_MANY_REQUESTS (with
   * retryAfterSeconds, and the attempt not counted) when either limit is already reached.
   */
  begin(attempt: SignInAttempt): Promise<void>;
  /** The attempt succeeded: clears the account's failures and un-counts it for the IP. */
  succeeded(attempt: SignInAttempt): Promise<void>;
}

/** What procedures report to /metrics. */
export interface ProcedureMetrics {
  /** Counts one tRPC call and records its latency; `outcome` is `ok` or the tRPC error code. */
  observeProcedure(path: string, type: string, outcome: string, seconds: number): void;
}
