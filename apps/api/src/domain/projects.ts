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
import type { AppDeps } from '../deps';
import { requireProjectRole } from './access';
import { commit } from './commit';

export function listProjects(
  deps: AppDeps,
  user: User,
  input: ListProjectsInput,
): Promise<ProjectListItem[]> {
  return db.listProjects(deps.db, user.id, {
    includeArchived: input.includeArchived,
    all: user.role === 'admin',
  });
}

export async function getProject(
  deps: AppDeps,
  user: User,
  projectId: string,
): Promise<ProjectWithRole> {
  const { project, role } = await requireProjectRole(deps, user, projectId, 'viewer');
  return { ...project, role };
}

export async function createProject(
  deps: AppDeps,
  user: User,
  input: CreateProjectInput,
): Promise<ProjectWithRole> {
  const project = await commit(deps, user.id, (uow) =>
    db.createProject(uow, { name: input.name, description: input.description, ownerId: user.id }),
  );
  return { ...project, role: 'owner' };
}

export async function updateProject(
  deps: AppDeps,
  user: User,
  input: UpdateProjectInput,
): Promise<Project> {
  await requireProjectRole(deps, user, input.id, 'owner');
  return commit(deps, user.id, (uow) =>
    db.updateProject(uow, input.id, { name: input.name, description: input.description }),
  );
}

export async function archiveProject(
  deps: AppDeps,
  user: User,
  input: ArchiveProjectInput,
): Promise<Project> {
  const { project } = await requireProjectRole(deps, user, input.id, 'owner');
  if (project.isInbox) throw new AppError('BAD_REQUEST', 'The Inbox cannot be archived');
  return commit(deps, user.id, (uow) =>
    db.updateProject(uow, input.id, { status: input.archived ? 'archived' : 'active' }),
  );
}

export async function deleteProject(deps: AppDeps, user: User, projectId: string): Promise<void> {
  const { project } = await requireProjectRole(deps, user, projectId, 'owner');
  if (project.isInbox) throw new AppError('BAD_REQUEST', 'The Inbox cannot be deleted');
  await commit(deps, user.id, (uow) => db.deleteProject(uow, projectId));
}
