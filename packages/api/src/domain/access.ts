import {
  getProjectWithRole,
  getTask,
  lockProjectWithRole,
  type ProjectLockMode,
  type UnitOfWork,
} from '@taskboard/db';
import {
  AppError,
  isAppError,
  projectPermissions,
  roleAtLeast,
  type MemberRole,
  type Project,
  type ProjectAction,
  type Task,
  type User,
} from '@taskboard/schema';
import type { AppDeps } from '../deps';

/** What a read needs. */
export type ReadDeps = Pick<AppDeps, 'db'>;

export interface ProjectAccess {
  project: Project;
  /** The caller's role; null for a global admin who is not a member. */
  role: MemberRole | null;
}

/**
 * The permission table of SPEC.md for one project. A non-member gets NOT_FOUND, so a project's
 * existence is not revealed; a member without the right gets FORBIDDEN; an admin may do anything.
 * For reads only: a write checks inside its transaction (`authorizeWrite`, through `commitAs`).
 */
export async function requireProjectRole(
  deps: ReadDeps,
  user: User,
  projectId: string,
  needed: MemberRole,
): Promise<ProjectAccess> {
  return checkRole(user, await getProjectWithRole(deps.db, projectId, user.id), needed);
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
  deps: ReadDeps,
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

interface WriteRule {
  /** The right it needs (the permission table). */
  action: ProjectAction;
  /** How it holds the project row until commit: the strongest lock the write will take there. */
  lock: ProjectLockMode;
  /** Whether an archived project refuses it. */
  activeOnly: boolean;
}

/**
 * Every kind of write to an existing project. Writes that change the project row or its
 * membership exclude each other and task writes (`noKeyUpdate`, `update`), so a check made
 * under the lock stays true until commit; task writes only share the row, so they run side by
 * side and wait only for those.
 */
const writeRules = {
  /** Create, update, move or delete a task. */
  tasks: { action: 'writeTasks', lock: 'share', activeOnly: true },
  /** Rename, archive or restore the project; add, change or remove a member. */
  manage: { action: 'manageProject', lock: 'noKeyUpdate', activeOnly: false },
  /** A member removing themselves. */
  leave: { action: 'read', lock: 'noKeyUpdate', activeOnly: false },
  delete: { action: 'deleteProject', lock: 'update', activeOnly: false },
} as const satisfies Record<string, WriteRule>;

export type ProjectWrite = keyof typeof writeRules;

/** What a write changes: a project, or a task of one (whose project is then checked). */
export type WriteTarget = { projectId: string } | { taskId: string };

/**
 * The access check of a write, inside its transaction: locks the project row (per the write's
 * rule) before reading the caller's role and the project's status, so a demotion, a removal,
 * an archive or a deletion committed meanwhile is either waited for and obeyed, or waits for
 * this write to commit. Called by `commitAs`, not directly.
 */
export async function authorizeWrite(
  uow: UnitOfWork,
  user: User,
  target: WriteTarget,
  write: ProjectWrite,
): Promise<ProjectAccess> {
  const rule: WriteRule = writeRules[write];
  const needed = projectPermissions[rule.action];
  const locked = async (projectId: string) =>
    checkRole(user, await lockProjectWithRole(uow.trx, projectId, user.id, rule.lock), needed);
  let access: ProjectAccess;
  if ('taskId' in target) {
    // A task never changes project, so the task read before the lock names the right row.
    const task = await getTask(uow.trx, target.taskId);
    if (!task) throw new AppError('NOT_FOUND', 'Task not found');
    access = await hidingTask(() => locked(task.projectId));
  } else {
    access = await locked(target.projectId);
  }
  if (rule.activeOnly && access.project.status === 'archived') {
    throw new AppError('BAD_REQUEST', 'The project is archived; restore it to change its tasks');
  }
  return access;
}
