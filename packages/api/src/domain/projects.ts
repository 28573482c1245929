import * as db from '@taskboard/db';
import {
  AppError,
  type ArchiveProjectInput,
  type CreateProjectInput,
  type ListProjectsInput,
  type DeleteResult,
  type ProjectCreateResult,
  type ProjectListItem,
  type ProjectWithRole,
  type ProjectWriteResult,
  type UpdateProjectInput,
  type User,
} from '@taskboard/schema';
import { requireProjectRole, type ReadDeps } from './access';
import { commit, commitAs, withEventId, type CommitDeps } from './commit';

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
): Promise<ProjectCreateResult> {
  const { result: project, eventId } = await commit(deps, user.id, (uow) =>
    db.createProject(uow, { name: input.name, description: input.description, ownerId: user.id }),
  );
  return { ...project, role: 'owner', eventId };
}

export async function updateProject(
  deps: CommitDeps,
  user: User,
  input: UpdateProjectInput,
): Promise<ProjectWriteResult> {
  const committed = await commitAs(deps, user, { projectId: input.id }, 'manage', (uow) =>
    db.updateProject(uow, input.id, { name: input.name, description: input.description }),
  );
  return withEventId(committed);
}

export async function archiveProject(
  deps: CommitDeps,
  user: User,
  input: ArchiveProjectInput,
): Promise<ProjectWriteResult> {
  const committed = await commitAs(
    deps,
    user,
    { projectId: input.id },
    'manage',
    (uow, { project }) => {
      if (project.isInbox) throw new AppError('BAD_REQUEST', 'The Inbox cannot be archived');
      return db.updateProject(uow, input.id, { status: input.archived ? 'archived' : 'active' });
    },
  );
  return withEventId(committed);
}

export async function deleteProject(
  deps: CommitDeps,
  user: User,
  projectId: string,
): Promise<DeleteResult> {
  const { eventId } = await commitAs(deps, user, { projectId }, 'delete', (uow, { project }) => {
    if (project.isInbox) throw new AppError('BAD_REQUEST', 'The Inbox cannot be deleted');
    return db.deleteProject(uow, projectId);
  });
  return { id: projectId, eventId };
}
