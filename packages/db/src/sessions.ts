import type { User } from '@taskboard/schema';
import { toUser } from './users';
import type { Executor, SessionRow } from './types';

export type Session = SessionRow;

/** A session with its user: what a session token stands for. */
export interface SessionWithUser {
  session: Session;
  user: User;
}

export async function createSession(db: Executor, session: Session): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

/** The session and its user, or null if there is no such session (expiry is the caller's rule). */
export async function getSessionWithUser(
  db: Executor,
  sessionId: string,
): Promise<SessionWithUser | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .select([
      'sessions.id as sessionId',
      'sessions.userId',
      'sessions.createdAt as sessionCreatedAt',
      'sessions.lastSeenAt',
      'sessions.expiresAt',
      'sessions.absoluteExpiresAt',
      'sessions.userAgent',
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.createdAt',
      'users.updatedAt',
      'users.lastLoginAt',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    session: {
      id: row.sessionId,
      userId: row.userId,
      createdAt: row.sessionCreatedAt,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      absoluteExpiresAt: row.absoluteExpiresAt,
      userAgent: row.userAgent,
    },
    user: toUser(row),
  };
}

/** Records activity and, when given, a renewed idle expiry. */
export async function touchSession(
  db: Executor,
  sessionId: string,
  lastSeenAt: Date,
  expiresAt?: Date,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set(expiresAt ? { lastSeenAt, expiresAt } : { lastSeenAt })
    .where('id', '=', sessionId)
    .execute();
}

export async function listUserSessions(db: Executor, userId: string): Promise<Session[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('lastSeenAt', 'desc')
    .execute();
}

/** Deletes one session; with `userId`, only if it belongs to that user. Returns whether it existed. */
export async function deleteSession(
  db: Executor,
  sessionId: string,
  userId?: string,
): Promise<boolean> {
  let query = db.deleteFrom('sessions').where('id', '=', sessionId);
  if (userId !== undefined) query = query.where('userId', '=', userId);
  const result = await query.executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Deletes every session of a user and returns their ids (to evict them from caches). */
export async function deleteUserSessions(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .deleteFrom('sessions')
    .where('userId', '=', userId)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Housekeeping: removes sessions past either expiry. */
export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expiresAt', '<=', now), eb('absoluteExpiresAt', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Of the given session ids, those that still exist and have expired neither way at `now`. */
export async function listLiveSessionIds(
  db: Executor,
  sessionIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .selectFrom('sessions')
    .select('id')
    .where('id', 'in', [...sessionIds])
    .where('expiresAt', '>', now)
    .where('absoluteExpiresAt', '>', now)
    .execute();
  return rows.map((row) => row.id);
}
