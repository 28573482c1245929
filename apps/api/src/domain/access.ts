import { getProjectWithRole, getTask } from '@taskboard/db';
import { AppError, type MemberRole, type Project, type Task, type User } from '@taskboard/schema';
import type { AppDeps } from '../deps';

const rank: Record<MemberRole, number> = { viewer: 0, editor: 1, owner: 2 };

export interface ProjectAccess {
  project: Project;
  /** The caller's role; null for a global admin who is not a member. */
  role: MemberRole | null;
}

/**
 * The permission table of SPEC.md for one project. A non-member gets NOT_FOUND, so a project's
 * existence is not revealed; a member without the right gets FORBIDDEN; an admin may do anything.
 */
export async function requireProjectRole(
  deps: AppDeps,
  user: User,
  projectId: string,
  needed: MemberRole,
): Promise<ProjectAccess> {
  const access = await getProjectWithRole(deps.db, projectId, user.id);
  if (!access || (access.role === null && user.role !== 'admin')) {
    throw new AppError('NOT_FOUND', 'Project not found');
  }
  const { project, role } = access;
  if (user.role !== 'admin' && role !== null && rank[role] < rank[needed]) {
    throw new AppError('FORBIDDEN', `This needs the ${needed} role in the project`);
  }
  return { project, role };
}

/** Like `requireProjectRole`, reached through one of the project's tasks. */
export async function requireTaskRole(
  deps: AppDeps,
  user: User,
  taskId: string,
  needed: MemberRole,
): Promise<ProjectAccess & { task: Task }> {
  const task = await getTask(deps.db, taskId);
  if (!task) throw new AppError('NOT_FOUND', 'Task not found');
  try {
    return { ...(await requireProjectRole(deps, user, task.projectId, needed)), task };
  } catch (error) {
    // Not revealing the project means not revealing the task either.
    if (error instanceof AppError && error.code === 'NOT_FOUND') {
      throw new AppError('NOT_FOUND', 'Task not found');
    }
    throw error;
  }
}

/** Tasks of an archived project are read-only until it is restored. */
export function assertActive(project: Project): void {
  if (project.status === 'archived') {
    throw new AppError('BAD_REQUEST', 'The project is archived; restore it to change its tasks');
  }
}
