import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import { LIMITS } from './limits';
import { userSummarySchema } from './users';

export const projectStatuses = ['active', 'archived'] as const;
export const projectStatusSchema = z.enum(projectStatuses);
export type ProjectStatus = z.infer<typeof projectStatusSchema>;

export const memberRoles = ['owner', 'editor', 'viewer'] as const;
export const memberRoleSchema = z.enum(memberRoles);
export type MemberRole = z.infer<typeof memberRoleSchema>;

export const projectNameSchema = z.string().trim().min(1).max(LIMITS.projectNameMax);
export const projectDescriptionSchema = z.string().trim().max(LIMITS.projectDescriptionMax);

export const INBOX_PROJECT_NAME = 'Inbox';

export const projectSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string(),
  status: projectStatusSchema,
  ownerId: idSchema,
  /** The personal project every user gets at registration; it cannot be archived or deleted. */
  isInbox: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Project = z.infer<typeof projectSchema>;

/** A project as listed for a caller: their role in it, or null for an admin who is not a member. */
export const projectWithRoleSchema = projectSchema.extend({ role: memberRoleSchema.nullable() });
export type ProjectWithRole = z.infer<typeof projectWithRoleSchema>;

/**
 * A row of `projects.list`: also whose project it is, so a list holding other people's
 * projects (an admin's: every user's `Inbox`) tells them apart, even two owners of one name.
 * (Members see each other's emails on the members page already.)
 */
export const projectListItemSchema = projectWithRoleSchema.extend({
  ownerName: z.string(),
  ownerEmail: z.string(),
});
export type ProjectListItem = z.infer<typeof projectListItemSchema>;

export const createProjectInputSchema = z.object({
  name: projectNameSchema,
  description: projectDescriptionSchema.default(''),
});
export type CreateProjectInput = z.infer<typeof createProjectInputSchema>;

export const updateProjectInputSchema = z.object({
  id: idSchema,
  name: projectNameSchema.optional(),
  description: projectDescriptionSchema.optional(),
});
export type UpdateProjectInput = z.infer<typeof updateProjectInputSchema>;

export const archiveProjectInputSchema = z.object({
  id: idSchema,
  /** `false` restores an archived project. */
  archived: z.boolean().default(true),
});
export type ArchiveProjectInput = z.infer<typeof archiveProjectInputSchema>;

export const projectIdInputSchema = z.object({ id: idSchema });

export const listProjectsInputSchema = z
  .object({ includeArchived: z.boolean().default(false) })
  .default({ includeArchived: false });
export type ListProjectsInput = z.infer<typeof listProjectsInputSchema>;

export const memberSchema = z.object({
  projectId: idSchema,
  userId: idSchema,
  role: memberRoleSchema,
  user: userSummarySchema,
  createdAt: timestampSchema,
});
export type Member = z.infer<typeof memberSchema>;

export const addMemberInputSchema = z.object({
  projectId: idSchema,
  email: z.string().trim().toLowerCase().max(LIMITS.emailMax).pipe(z.email()),
  role: memberRoleSchema.default('editor'),
});
export type AddMemberInput = z.infer<typeof addMemberInputSchema>;

export const updateMemberRoleInputSchema = z.object({
  projectId: idSchema,
  userId: idSchema,
  role: memberRoleSchema,
});
export type UpdateMemberRoleInput = z.infer<typeof updateMemberRoleInputSchema>;

export const memberRefInputSchema = z.object({ projectId: idSchema, userId: idSchema });
export type MemberRefInput = z.infer<typeof memberRefInputSchema>;
