import type { MemberRole } from './projects';
import type { UserRole } from './users';

/**
 * The permission table of SPEC.md: each action on a project and the least member role that may
 * do it. A global admin may do every action, member or not. The API checks these and the web app
 * shows or hides controls by them, so both read this one table.
 */
export const projectPermissions = {
  /** Read the project, its tasks and members; subscribe to its events. */
  read: 'viewer',
  /** Create, update, move and delete tasks. */
  writeTasks: 'editor',
  /** Rename or archive the project; add, change and remove members. */
  manageProject: 'owner',
  deleteProject: 'owner',
} as const satisfies Record<string, MemberRole>;

export type ProjectAction = keyof typeof projectPermissions;

/** Member roles from fewest rights to most: each may do all that the roles before it may. */
export const memberRolesByRank = [
  'viewer',
  'editor',
  'owner',
] as const satisfies readonly MemberRole[];

/** Whether `role` has at least the rights of `needed`. */
export function roleAtLeast(role: MemberRole, needed: MemberRole): boolean {
  return memberRolesByRank.indexOf(role) >= memberRolesByRank.indexOf(needed);
}

/** Who acts on a project: their role in it (null when not a member) and their global role. */
export interface ProjectActor {
  role: MemberRole | null;
  /** Absent while the signed-in user is still loading; treated as a plain user. */
  userRole?: UserRole | undefined;
}

/** Whether `actor` may do `action` in the project (the table above, plus global admins). */
export function can(actor: ProjectActor, action: ProjectAction): boolean {
  if (actor.userRole === 'admin') return true;
  return actor.role !== null && roleAtLeast(actor.role, projectPermissions[action]);
}
