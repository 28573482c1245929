import { AppError, type User, type UserRole } from '@taskboard/schema';
import { isUniqueViolation } from './database-errors';
import { iso, isoOrNull } from './timestamps';
import type { Executor, UserRow } from './types';

const publicColumns = [
  'id',
  'email',
  'name',
  'role',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
] as const;

export function toUser(row: Omit<UserRow, 'passwordHash'>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    lastLoginAt: isoOrNull(row.lastLoginAt),
  };
}

export interface NewUser {
  /** Already normalised (trimmed, lower-cased) by the schema. */
  email: string;
  name: string;
  passwordHash: string;
  role?: UserRole;
}

/** Throws `USER_EXISTS` when the email is taken. */
export async function createUser(db: Executor, user: NewUser): Promise<User> {
  try {
    const row = await db
      .insertInto('users')
      .values({
        email: user.email,
        name: user.name,
        passwordHash: user.passwordHash,
        role: user.role ?? 'user',
      })
      .returning(publicColumns)
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('USER_EXISTS', 'An account with this email already exists', {
        cause: error,
      });
    }
    throw error;
  }
}

export async function getUserById(db: Executor, id: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .select(publicColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function getUserByEmail(db: Executor, email: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .select(publicColumns)
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/**
 * Checks a sign-in. The password hash never leaves this module: `verify` is handed the stored
 * hash, or null for an unknown email so the caller can spend the same time on a dummy check.
 */
export async function verifyUserPassword(
  db: Executor,
  email: string,
  verify: (passwordHash: string | null) => Promise<boolean>,
): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .select([...publicColumns, 'passwordHash'])
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  const matches = await verify(row?.passwordHash ?? null);
  return row && matches ? toUser(row) : null;
}

export async function recordLogin(db: Executor, userId: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ lastLoginAt: at }).where('id', '=', userId).execute();
}

export async function setUserRole(db: Executor, userId: string, role: UserRole): Promise<void> {
  await db
    .updateTable('users')
    .set({ role, updatedAt: new Date() })
    .where('id', '=', userId)
    .execute();
}
