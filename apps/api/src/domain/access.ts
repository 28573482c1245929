import { getProjectWithRole, getTask, lockProjectWithRole, type UnitOfWork } from '@taskboard/db';
import {
  AppError,
  isAppError,
  type MemberRole,
  type Project,
  roleAtLeast,
  type Task,
  type User,
} from '@taskboard/schema';
import type { AppDeps } from '../deps';

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
  return checkRole(user, await getProjectWithRole(deps.db, projectId, user.id), needed);
}

/**
 * `requireProjectRole` inside a change's transaction, holding the project row until commit:
 * an archive, a deletion or a membership change committed meanwhile cannot slip between the
 * check and the write.
 */
export async function requireProjectRoleToWrite(
  uow: UnitOfWork,
  user: User,
  projectId: string,
  needed: MemberRole,
): Promise<ProjectAccess> {
  return checkRole(user, await lockProjectWithRole(uow.trx, projectId, user.id), needed);
}

function checkRole(user: User, access: ProjectAccess | null, needed: MemberRole): ProjectAccess {
  if (!access || (access.role === null && user.role !== 'admin')) {
    throw new AppError('NOT_FOUND', 'Project not found');
  }
  const { project, role } = access;
  if (user.role !== 'admin' && role !== null && !roleAtLeast(role, needed)) {
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
  return hidingTask(() => requireProjectRole(deps, user, task.projectId, needed)).then(
    (access) => ({ ...access, task }),
  );
}

/** `requireTaskRole` inside a change's transaction (see `requireProjectRoleToWrite`). */
export async function requireTaskRoleToWrite(
  uow: UnitOfWork,
  user: User,
  taskId: string,
  needed: MemberRole,
): Promise<ProjectAccess> {
  const task = await getTask(uow.trx, taskId);
  if (!task) throw new AppError('NOT_FOUND', 'Task not found');
  return hidingTask(() => requireProjectRoleToWrite(uow, user, task.projectId, needed));
}

/** Not revealing the project means not revealing the task either. */
async function hidingTask<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') {
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
