import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import { LIMITS } from './limits';

export const userRoles = ['user', 'admin'] as const;
export const userRoleSchema = z.enum(userRoles);
export type UserRole = z.infer<typeof userRoleSchema>;

/** Emails are unique case-insensitively, so they are trimmed and lower-cased before anything else. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(LIMITS.emailMax)
  .pipe(z.email({ message: 'Must be a valid email address' }));

export const userNameSchema = z.string().trim().min(1).max(LIMITS.userNameMax);

/**
 * Length rules only. The server also refuses the most common passwords; that list is too large
 * to ship to browsers, so it lives in the API's registration code, not here.
 */
export const passwordSchema = z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax);

/** The public shape of a user: never a password hash. */
export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  role: userRoleSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  lastLoginAt: timestampSchema.nullable(),
});
export type User = z.infer<typeof userSchema>;

/** A user as other members of a project see them. */
export const userSummarySchema = userSchema.pick({ id: true, email: true, name: true });
export type UserSummary = z.infer<typeof userSummarySchema>;

export const registerInputSchema = z.object({
  email: emailSchema,
  name: userNameSchema,
  password: passwordSchema,
});
export type RegisterInput = z.infer<typeof registerInputSchema>;

/** Sign-in checks only the shape; the common-password rule applies when a password is chosen. */
export const loginInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginInput = z.infer<typeof loginInputSchema>;

export const sessionSchema = z.object({
  id: z.string(),
  createdAt: timestampSchema,
  lastSeenAt: timestampSchema,
  expiresAt: timestampSchema,
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionSchema>;

/** What registering and signing in answer: the user and the new session's token. */
export const signedInSchema = z.object({
  user: userSchema,
  /** The session token, for `Authorization: Bearer` or a WebSocket's connection params. */
  token: z.string(),
  expiresAt: timestampSchema,
});
export type SignedIn = z.infer<typeof signedInSchema>;

/** What signing out (one session or all) answers. */
export const signedOutSchema = z.object({ ok: z.literal(true) });

export const revokeSessionInputSchema = z.object({
  id: z.string().min(1).max(LIMITS.sessionIdMax),
});
export type RevokeSessionInput = z.infer<typeof revokeSessionInputSchema>;
