import {
  AppError,
  INBOX_PROJECT_NAME,
  type MemberRole,
  type Project,
  type ProjectListItem,
  type ProjectStatus,
  type ProjectUpdatedPrevious,
} from '@taskboard/schema';
import type { Transaction } from 'kysely';
import { toMember } from './members';
import { iso } from './timestamps';
import type { Database, Executor, ProjectRow } from './types';
import type { UnitOfWork } from './unit-of-work';

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    ownerId: row.ownerId,
    isInbox: row.inboxOf !== null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export interface NewProject {
  name: string;
  description?: string;
  ownerId: string;
  /** Makes this the owner's personal Inbox. */
  inbox?: boolean;
}

/** Creates a project with its owner as the first member (recorded as `member.added`). */
export async function createProject(uow: UnitOfWork, input: NewProject): Promise<Project> {
  const row = await uow.trx
    .insertInto('projects')
    .values({
      name: input.name,
      description: input.description ?? '',
      ownerId: input.ownerId,
      inboxOf: input.inbox ? input.ownerId : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const member = await uow.trx
    .insertInto('projectMembers')
    .values({ projectId: row.id, userId: input.ownerId, role: 'owner' })
    .returningAll()
    .executeTakeFirstOrThrow();
  const owner = await uow.trx
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('id', '=', input.ownerId)
    .executeTakeFirstOrThrow();
  uow.record(
    row.id,
    { type: 'member.added', payload: { member: toMember(member, owner) } },
    input.ownerId,
  );
  return toProject(row);
}

/** A user's personal project, created at registration. */
export function createInbox(uow: UnitOfWork, userId: string): Promise<Project> {
  return createProject(uow, { name: INBOX_PROJECT_NAME, ownerId: userId, inbox: true });
}

export async function getProject(db: Executor, projectId: string): Promise<Project | null> {
  const row = await db
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', projectId)
    .executeTakeFirst();
  return row ? toProject(row) : null;
}

export async function getInboxProject(db: Executor, userId: string): Promise<Project | null> {
  const row = await db
    .selectFrom('projects')
    .selectAll()
    .where('inboxOf', '=', userId)
    .executeTakeFirst();
  return row ? toProject(row) : null;
}

export interface ListProjectsOptions {
  includeArchived: boolean;
  /** Every project (for a global admin), with the viewer's role where they are a member. */
  all?: boolean;
}

/** The projects a user is a member of (or every project with `all`), by name, with their owner's name. */
export async function listProjects(
  db: Executor,
  viewerId: string,
  options: ListProjectsOptions,
): Promise<ProjectListItem[]> {
  let query = db
    .selectFrom('projects')
    .innerJoin('users as owner', 'owner.id', 'projects.ownerId')
    .leftJoin('projectMembers', (join) =>
      join
        .onRef('projectMembers.projectId', '=', 'projects.id')
        .on('projectMembers.userId', '=', viewerId),
    )
    .selectAll('projects')
    .select(['projectMembers.role', 'owner.name as ownerName', 'owner.email as ownerEmail']);
  if (!options.all) query = query.where('projectMembers.userId', '=', viewerId);
  if (!options.includeArchived) query = query.where('projects.status', '=', 'active');
  const rows = await query
    .orderBy((eb) => eb.fn('lower', ['projects.name']))
    .orderBy('projects.id')
    .execute();
  return rows.map((row) => ({
    ...toProject(row),
    role: row.role,
    ownerName: row.ownerName,
    ownerEmail: row.ownerEmail,
  }));
}

export interface ProjectChanges {
  name?: string | undefined;
  description?: string | undefined;
  status?: ProjectStatus | undefined;
}

/**
 * Applies the changes (recorded as `project.updated`, with the previous value of each field
 * that changed, read from the row locked here); throws `NOT_FOUND` for no such project. No
 * changes (nothing given, or only the values it already has): the project as it is, no event.
 */
export async function updateProject(
  uow: UnitOfWork,
  projectId: string,
  changes: ProjectChanges,
): Promise<Project> {
  // The lock commitAs takes for a project write ('manage'): this takes nothing stronger.
  const current = await uow.trx
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', projectId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError('NOT_FOUND', 'Project not found');
  const set: ProjectChanges = {};
  const previous: ProjectUpdatedPrevious = {};
  if (changes.name !== undefined && changes.name !== current.name) {
    set.name = changes.name;
    previous.name = current.name;
  }
  if (changes.description !== undefined && changes.description !== current.description) {
    set.description = changes.description;
    previous.description = current.description;
  }
  if (changes.status !== undefined && changes.status !== current.status) {
    set.status = changes.status;
    previous.status = current.status;
  }
  if (Object.keys(set).length === 0) return toProject(current);
  const row = await uow.trx
    .updateTable('projects')
    .set({ ...set, updatedAt: new Date() })
    .where('id', '=', projectId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const project = toProject(row);
  uow.record(projectId, { type: 'project.updated', payload: { project, previous } });
  return project;
}

/** Deletes the project with its tasks, members and events (recorded as `project.deleted`). */
export async function deleteProject(uow: UnitOfWork, projectId: string): Promise<void> {
  const result = await uow.trx
    .deleteFrom('projects')
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new AppError('NOT_FOUND', 'Project not found');
  uow.record(projectId, { type: 'project.deleted', payload: { projectId } });
}

/** The project and the user's role in it (null when not a member), in one query; null if no such project. */
export async function getProjectWithRole(
  db: Executor,
  projectId: string,
  userId: string,
): Promise<{ project: Project; role: MemberRole | null } | null> {
  const row = await db
    .selectFrom('projects')
    .leftJoin('projectMembers', (join) =>
      join
        .onRef('projectMembers.projectId', '=', 'projects.id')
        .on('projectMembers.userId', '=', userId),
    )
    .selectAll('projects')
    .select('projectMembers.role')
    .where('projects.id', '=', projectId)
    .executeTakeFirst();
  return row ? { project: toProject(row), role: row.role } : null;
}

/**
 * How a change holds its project's row until commit. `share`: changes to the project's tasks,
 * which run side by side. `noKeyUpdate`: changes to the project row or its membership, one at a
 * time, and none while a task change holds `share`; it still admits the FOR KEY SHARE lock that
 * inserting a row referencing the project takes. `update`: deleting the project, which excludes
 * that too.
 */
export type ProjectLockMode = 'share' | 'noKeyUpdate' | 'update';

/**
 * `getProjectWithRole` for a change about to be written in `trx`: the project row is locked
 * (`mode`) until commit, so a change that conflicts with this one (an archive, a deletion, a
 * membership change) waits for it, or this one waits and then reads what that committed. The
 * role is read after the lock is held, in its own statement, so it is the committed role, not
 * one from before the wait.
 *
 * Take the strongest mode the change will need here, first: a transaction that holds `share`
 * and then updates the row can deadlock with another that does the same.
 */
export async function lockProjectWithRole(
  trx: Transaction<Database>,
  projectId: string,
  userId: string,
  mode: ProjectLockMode,
): Promise<{ project: Project; role: MemberRole | null } | null> {
  const query = trx.selectFrom('projects').selectAll().where('id', '=', projectId);
  const locked =
    mode === 'share'
      ? query.forShare()
      : mode === 'noKeyUpdate'
        ? query.forNoKeyUpdate()
        : query.forUpdate();
  const row = await locked.executeTakeFirst();
  if (!row) return null;
  return { project: toProject(row), role: await getMemberRole(trx, projectId, userId) };
}

/** The user's role in the project, or null when they are not a member (or it does not exist). */
export async function getMemberRole(
  db: Executor,
  projectId: string,
  userId: string,
): Promise<MemberRole | null> {
  const row = await db
    .selectFrom('projectMembers')
    .select('role')
    .where('projectId', '=', projectId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}
