import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emailSchema, userSchema, type User } from '@taskboard/schema';
import {
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  getSessionWithUser,
  getUserByEmail,
  getUserById,
  listUserSessions,
  recordLogin,
  setUserRole,
  touchSession,
  verifyUserPassword,
  type Session,
} from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

const DAY_MS = 24 * 60 * 60 * 1000;

/** A unique, already normalised email. */
function uniqueEmail(name = 'ada'): string {
  return `${name}-${randomUUID()}@example.com`;
}

function newUser(email = uniqueEmail(), passwordHash = 'stored-hash') {
  return createUser(handle.db, { email, name: 'Ada', passwordHash });
}

/** A session id as the API makes it: the SHA-256 (hex) of a random token. */
function sessionId(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/** Stores a session of `user`; expiries default to far ahead of now. */
async function newSession(user: User, fields: Partial<Session> = {}): Promise<Session> {
  const now = new Date();
  const session: Session = {
    id: sessionId(),
    userId: user.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 30 * DAY_MS),
    absoluteExpiresAt: new Date(now.getTime() + 90 * DAY_MS),
    userAgent: null,
    ...fields,
  };
  await createSession(handle.db, session);
  return session;
}

async function sessionIdsOf(userId: string): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('sessions')
    .select('id')
    .where('userId', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

describe(`users (${engine})`, () => {
  it('createUser returns the public shape, without any password hash', async () => {
    const email = uniqueEmail();
    const user = await createUser(handle.db, { email, name: 'Ada', passwordHash: 'secret-hash' });

    expect(Object.keys(user).sort()).toEqual(
      ['createdAt', 'email', 'id', 'lastLoginAt', 'name', 'role', 'updatedAt'].sort(),
    );
    expect(user).not.toHaveProperty('passwordHash');
    expect(userSchema.strict().parse(user)).toEqual(user);
    expect(user).toMatchObject({ email, name: 'Ada', role: 'user', lastLoginAt: null });
    expect(user.createdAt).toBe(user.updatedAt);
    // The hash is stored as given.
    const row = await handle.db
      .selectFrom('users')
      .select('passwordHash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.passwordHash).toBe('secret-hash');
  });

  it('createUser honours an explicit role', async () => {
    const admin = await createUser(handle.db, {
      email: uniqueEmail('root'),
      name: 'Root',
      passwordHash: 'h',
      role: 'admin',
    });
    expect(admin.role).toBe('admin');
  });

  it('refuses an email that differs only in case with USER_EXISTS, and writes nothing', async () => {
    const email = uniqueEmail();
    await newUser(email);
    // What registration does with what the user typed: the schema normalises it first.
    const typed = `  ${email.toUpperCase()} `;
    await expect(newUser(emailSchema.parse(typed))).rejects.toMatchObject({
      name: 'AppError',
      code: 'USER_EXISTS',
    });
    const rows = await handle.db
      .selectFrom('users')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('the database refuses an email that was not lower-cased (the schema layer must normalise)', async () => {
    await expect(newUser(`Ada-${randomUUID()}@Example.com`)).rejects.toThrow(/check constraint/);
  });

  it('getUserById and getUserByEmail find the user; the email lookup ignores case', async () => {
    const user = await newUser();
    await expect(getUserById(handle.db, user.id)).resolves.toEqual(user);
    await expect(getUserByEmail(handle.db, user.email)).resolves.toEqual(user);
    await expect(getUserByEmail(handle.db, user.email.toUpperCase())).resolves.toEqual(user);
    await expect(getUserById(handle.db, randomUUID())).resolves.toBeNull();
    await expect(getUserByEmail(handle.db, uniqueEmail())).resolves.toBeNull();
  });

  describe('verifyUserPassword', () => {
    it('hands the stored hash to verify and returns the public user when it matches', async () => {
      const user = await newUser(uniqueEmail(), 'argon2id$stored');
      const verify = vi.fn((hash: string | null) => Promise.resolve(hash === 'argon2id$stored'));

      const result = await verifyUserPassword(handle.db, user.email.toUpperCase(), verify);

      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify).toHaveBeenCalledWith('argon2id$stored');
      expect(result).toEqual(user);
      expect(result).not.toHaveProperty('passwordHash');
    });

    it('hands null to verify for an unknown email, and returns null', async () => {
      const verify = vi.fn((_hash: string | null) => Promise.resolve(true));
      await expect(verifyUserPassword(handle.db, uniqueEmail(), verify)).resolves.toBeNull();
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify).toHaveBeenCalledWith(null);
    });

    it('returns null when verify says no', async () => {
      const user = await newUser(uniqueEmail(), 'argon2id$stored');
      const verify = vi.fn((_hash: string | null) => Promise.resolve(false));
      await expect(verifyUserPassword(handle.db, user.email, verify)).resolves.toBeNull();
      expect(verify).toHaveBeenCalledWith('argon2id$stored');
    });
  });

  it('recordLogin sets lastLoginAt and nothing else', async () => {
    const user = await newUser();
    const at = new Date('2031-02-03T04:05:06.789Z');
    await recordLogin(handle.db, user.id, at);
    await expect(getUserById(handle.db, user.id)).resolves.toEqual({
      ...user,
      lastLoginAt: '2031-02-03T04:05:06.789Z',
    });
  });

  it('setUserRole changes the role and moves updatedAt', async () => {
    const user = await newUser();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await setUserRole(handle.db, user.id, 'admin');
    const promoted = await getUserById(handle.db, user.id);
    expect(promoted).toMatchObject({ id: user.id, role: 'admin', createdAt: user.createdAt });
    expect(Date.parse(promoted?.updatedAt ?? '')).toBeGreaterThan(Date.parse(user.updatedAt));

    await setUserRole(handle.db, user.id, 'user');
    await expect(getUserById(handle.db, user.id)).resolves.toMatchObject({ role: 'user' });
  });
});

describe(`sessions (${engine})`, () => {
  it('createSession stores the session; getSessionWithUser returns it with the public user', async () => {
    const user = await newUser();
    const session = await newSession(user, { userAgent: 'vitest/1.0' });

    const found = await getSessionWithUser(handle.db, session.id);

    expect(found).toEqual({ session, user });
    expect(found?.user).not.toHaveProperty('passwordHash');
  });

  it('getSessionWithUser returns null for an unknown session, and also for an expired one it still holds', async () => {
    await expect(getSessionWithUser(handle.db, sessionId())).resolves.toBeNull();
    // Expiry is the caller's rule: an expired row is still returned as it is.
    const user = await newUser();
    const past = new Date(Date.now() - DAY_MS);
    const expired = await newSession(user, { expiresAt: past });
    await expect(getSessionWithUser(handle.db, expired.id)).resolves.toMatchObject({
      session: { id: expired.id, expiresAt: past },
    });
    await deleteSession(handle.db, expired.id);
  });

  it('touchSession records activity, and renews the idle expiry only when given one', async () => {
    const user = await newUser();
    const session = await newSession(user);
    const other = await newSession(user);

    const seen = new Date(session.lastSeenAt.getTime() + 60_000);
    await touchSession(handle.db, session.id, seen);
    await expect(getSessionWithUser(handle.db, session.id)).resolves.toMatchObject({
      session: { ...session, lastSeenAt: seen },
    });

    const seenAgain = new Date(seen.getTime() + 60_000);
    const renewed = new Date(seenAgain.getTime() + 30 * DAY_MS);
    await touchSession(handle.db, session.id, seenAgain, renewed);
    await expect(getSessionWithUser(handle.db, session.id)).resolves.toMatchObject({
      session: {
        ...session,
        lastSeenAt: seenAgain,
        expiresAt: renewed,
        // The absolute lifetime never moves.
        absoluteExpiresAt: session.absoluteExpiresAt,
      },
    });
    // Only that session.
    await expect(getSessionWithUser(handle.db, other.id)).resolves.toMatchObject({
      session: other,
    });
  });

  it('listUserSessions returns only the user’s sessions, most recently seen first', async () => {
    const user = await newUser();
    const stranger = await newUser();
    const base = Date.now();
    const older = await newSession(user, { lastSeenAt: new Date(base - 3_000) });
    const newest = await newSession(user, { lastSeenAt: new Date(base - 1_000) });
    const middle = await newSession(user, { lastSeenAt: new Date(base - 2_000) });
    await newSession(stranger);

    const sessions = await listUserSessions(handle.db, user.id);

    expect(sessions).toEqual([newest, middle, older]);
  });

  it('deleteSession deletes one session; with a userId that is not the owner it deletes nothing', async () => {
    const user = await newUser();
    const intruder = await newUser();
    const session = await newSession(user);
    const kept = await newSession(user);

    await expect(deleteSession(handle.db, session.id, intruder.id)).resolves.toBe(false);
    expect(await sessionIdsOf(user.id)).toEqual([session.id, kept.id].sort());

    await expect(deleteSession(handle.db, session.id, user.id)).resolves.toBe(true);
    expect(await sessionIdsOf(user.id)).toEqual([kept.id]);
    await expect(deleteSession(handle.db, session.id, user.id)).resolves.toBe(false);

    // Without a userId (sign-out of the current session).
    await expect(deleteSession(handle.db, kept.id)).resolves.toBe(true);
    expect(await sessionIdsOf(user.id)).toEqual([]);
    await expect(deleteSession(handle.db, sessionId())).resolves.toBe(false);
  });

  it('deleteUserSessions deletes every session of the user and returns their ids', async () => {
    const user = await newUser();
    const other = await newUser();
    const mine = [await newSession(user), await newSession(user), await newSession(user)];
    const theirs = await newSession(other);

    const deleted = await deleteUserSessions(handle.db, user.id);

    expect([...deleted].sort()).toEqual(mine.map((s) => s.id).sort());
    expect(await sessionIdsOf(user.id)).toEqual([]);
    expect(await sessionIdsOf(other.id)).toEqual([theirs.id]);
    await expect(deleteUserSessions(handle.db, user.id)).resolves.toEqual([]);
  });

  it('deleteExpiredSessions removes sessions past either expiry (inclusive) and keeps the rest', async () => {
    const user = await newUser();
    const other = await newUser();
    const now = new Date();
    const later = new Date(now.getTime() + 1_000);
    const earlier = new Date(now.getTime() - 1_000);
    const idleExpired = await newSession(user, { expiresAt: earlier });
    const absoluteExpired = await newSession(user, { absoluteExpiresAt: earlier });
    const expiringNow = await newSession(user, { expiresAt: now });
    const live = await newSession(user, { expiresAt: later, absoluteExpiresAt: later });
    const othersLive = await newSession(other);

    await expect(deleteExpiredSessions(handle.db, now)).resolves.toBe(3);

    for (const gone of [idleExpired, absoluteExpired, expiringNow]) {
      await expect(getSessionWithUser(handle.db, gone.id)).resolves.toBeNull();
    }
    expect(await sessionIdsOf(user.id)).toEqual([live.id]);
    expect(await sessionIdsOf(other.id)).toEqual([othersLive.id]);
    await expect(deleteExpiredSessions(handle.db, now)).resolves.toBe(0);
  });

  it('deleting a user deletes their sessions and no one else’s', async () => {
    // Without an Inbox: projects.owner_id (no ON DELETE action) refuses to delete a project owner.
    const user = await newUser();
    const other = await makeUser(handle.db, 'Staying');
    const sessions = [await newSession(user), await newSession(user)];
    const othersSession = await newSession(other);

    const result = await handle.db.deleteFrom('users').where('id', '=', user.id).executeTakeFirst();

    expect(result.numDeletedRows).toBe(1n);
    expect(await sessionIdsOf(user.id)).toEqual([]);
    for (const session of sessions) {
      await expect(getSessionWithUser(handle.db, session.id)).resolves.toBeNull();
    }
    expect(await sessionIdsOf(other.id)).toEqual([othersSession.id]);
  });
});
