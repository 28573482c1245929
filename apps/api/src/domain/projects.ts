import * as db from '@taskboard/db';
import {
  AppError,
  type ArchiveProjectInput,
  type CreateProjectInput,
  type ListProjectsInput,
  type Project,
  type ProjectListItem,
  type ProjectWithRole,
  type UpdateProjectInput,
  type User,
} from '@taskboard/schema';
import { requireProjectRole, type ReadDeps } from './access';
import { commit, commitAs, type CommitDeps } from './commit';

export function listProjects(
  deps: ReadDeps,
  user: User,
  input: ListProjectsInput,
): Promise<ProjectListItem[]> {
  return db.listProjects(deps.db, user.id, {
    includeArchived: input.includeArchived,
    all: user.role === 'admin',
  });
}

export async function getProject(
  deps: ReadDeps,
  user: User,
  projectId: string,
): Promise<ProjectWithRole> {
  const { project, role } = await requireProjectRole(deps, user, projectId, 'viewer');
  return { ...project, role };
}

export async function createProject(
  deps: CommitDeps,
  user: User,
  input: CreateProjectInput,
): Promise<ProjectWithRole> {
  const project = await commit(deps, user.id, (uow) =>
    db.createProject(uow, { name: input.name, description: input.description, ownerId: user.id }),
  );
  return { ...project, role: 'owner' };
}

export function updateProject(
  deps: CommitDeps,
  user: User,
  input: UpdateProjectInput,
): Promise<Project> {
  return commitAs(deps, user, { projectId: input.id }, 'manage', (uow) =>
    db.updateProject(uow, input.id, { name: input.name, description: input.description }),
  );
}

export function archiveProject(
  deps: CommitDeps,
  user: User,
  input: ArchiveProjectInput,
): Promise<Project> {
  return commitAs(deps, user, { projectId: input.id }, 'manage', (uow, { project }) => {
    if (project.isInbox) throw new AppError('BAD_REQUEST', 'The Inbox cannot be archived');
    return db.updateProject(uow, input.id, { status: input.archived ? 'archived' : 'active' });
  });
}

export async function deleteProject(deps: CommitDeps, user: User, projectId: string): Promise<void> {
  await commitAs(deps, user, { projectId }, 'delete', (uow, { project }) => {
    if (project.isInbox) throw new AppError('BAD_REQUEST', 'The Inbox cannot be deleted');
    return db.deleteProject(uow, projectId);
  });
}
