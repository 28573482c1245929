import * as db from '@taskboard/db';
import {
  AppError,
  type LoginInput,
  type RegisterInput,
  type SessionInfo,
  type User,
} from '@taskboard/schema';
import type { Session } from '@taskboard/db';
import type { AppDeps } from '../deps';
import { commit } from './commit';

export interface SignedIn {
  user: User;
  /** The session token: also set as the cookie; machines send it as `Authorization: Bearer`. */
  token: string;
  expiresAt: Date;
}

interface Client {
  ip: string;
  userAgent: string | null;
}

/** Creates the account with its Inbox, and signs it in. */
export async function register(
  deps: Pick<AppDeps, 'db' | 'bus' | 'passwords' | 'sessions'>,
  input: RegisterInput,
  client: Client,
): Promise<SignedIn> {
  if (deps.passwords.isCommon(input.password)) {
    throw new AppError('VALIDATION_ERROR', 'Invalid input', {
      details: { password: 'This password is too common; choose another' },
    });
  }
  const passwordHash = await deps.passwords.hash(input.password);
  const { result: user } = await commit(deps, null, async (uow) => {
    const created = await db.createUser(uow.trx, {
      email: input.email,
      name: input.name,
      passwordHash,
    });
    await db.createInbox(uow, created.id);
    return created;
  });
  return startSession(deps, user, client);
}

/**
 * Unknown email and wrong password answer the same INVALID_CREDENTIALS after the same argon2
 * work; every attempt counts towards the per-account and per-IP limits until it succeeds.
 */
export async function login(
  deps: Pick<AppDeps, 'db' | 'passwords' | 'sessions' | 'signInThrottle' | 'now'>,
  input: LoginInput,
  client: Client,
): Promise<SignedIn> {
  const attempt = { email: input.email, ip: client.ip };
  await deps.signInThrottle.begin(attempt);
  const user = await db.verifyUserPassword(deps.db, input.email, (hash) =>
    deps.passwords.verify(hash, input.password),
  );
  if (!user) throw new AppError('INVALID_CREDENTIALS', 'Wrong email or password');
  await deps.signInThrottle.succeeded(attempt);
  const now = deps.now();
  await db.recordLogin(deps.db, user.id, now);
  return startSession(deps, { ...user, lastLoginAt: now.toISOString() }, client);
}

async function startSession(
  deps: Pick<AppDeps, 'sessions'>,
  user: User,
  client: Client,
): Promise<SignedIn> {
  const { token, session } = await deps.sessions.create(user.id, client.userAgent);
  return { user, token, expiresAt: session.expiresAt };
}

export async function listSessions(
  deps: Pick<AppDeps, 'sessions'>,
  user: User,
  currentId: string,
): Promise<SessionInfo[]> {
  const sessions = await deps.sessions.list(user.id);
  return sessions.map((session: Session) => ({
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    userAgent: session.userAgent,
    current: session.id === currentId,
  }));
}

export async function revokeSession(
  deps: Pick<AppDeps, 'sessions'>,
  user: User,
  sessionId: string,
): Promise<void> {
  const revoked = await deps.sessions.revoke(sessionId, user.id);
  if (!revoked) throw new AppError('NOT_FOUND', 'Session not found');
}
