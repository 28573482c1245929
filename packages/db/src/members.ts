import { AppError, type Member, type MemberRole, type UserSummary } from '@taskboard/schema';
import { isUniqueViolation } from './database-errors';
import { toTask } from './tasks';
import { iso } from './timestamps';
import type { Executor } from './types';
import type { UnitOfWork } from './unit-of-work';

interface MemberRow {
  projectId: string;
  userId: string;
  role: MemberRole;
  createdAt: Date;
}

export function toMember(row: MemberRow, user: UserSummary): Member {
  return {
    projectId: row.projectId,
    userId: row.userId,
    role: row.role,
    user: { id: user.id, email: user.email, name: user.name },
    createdAt: iso(row.createdAt),
  };
}

function selectMembers(db: Executor, projectId: string) {
  return db
    .selectFrom('projectMembers')
    .innerJoin('users', 'users.id', 'projectMembers.userId')
    .select([
      'projectMembers.projectId',
      'projectMembers.userId',
      'projectMembers.role',
      'projectMembers.createdAt',
      'users.id',
      'users.email',
      'users.name',
    ])
    .where('projectMembers.projectId', '=', projectId);
}

/** The project's members, owners first, then by name. */
export async function listMembers(db: Executor, projectId: string): Promise<Member[]> {
  const rows = await selectMembers(db, projectId)
    .orderBy((eb) =>
      eb
        .case()
        .when('projectMembers.role', '=', 'owner')
        .then(0)
        .when('projectMembers.role', '=', 'editor')
        .then(1)
        .else(2)
        .end(),
    )
    .orderBy((eb) => eb.fn('lower', ['users.name']))
    .orderBy('users.id')
    .execute();
  return rows.map((row) => toMember(row, row));
}

export async function getMember(
  db: Executor,
  projectId: string,
  userId: string,
): Promise<Member | null> {
  const row = await selectMembers(db, projectId)
    .where('projectMembers.userId', '=', userId)
    .executeTakeFirst();
  return row ? toMember(row, row) : null;
}

/** Adds a user to a project (recorded as `member.added`); `CONFLICT` if already a member. */
export async function addMember(
  uow: UnitOfWork,
  projectId: string,
  userId: string,
  role: MemberRole,
): Promise<Member> {
  try {
    await uow.trx.insertInto('projectMembers').values({ projectId, userId, role }).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('CONFLICT', 'This user is already a member of the project', {
        cause: error,
      });
    }
    throw error;
  }
  const member = await getMember(uow.trx, projectId, userId);
  if (!member) throw new Error('member vanished inside its own transaction');
  // Addressed to the new member too: their project list learns of it (events.myProjects).
  uow.record(projectId, { type: 'member.added', payload: { member } }, userId);
  return member;
}

/**
 * Locks the project's membership for the rest of the transaction, so two owners demoting or
 * removing each other at once cannot leave the project with none.
 *
 * FOR NO KEY UPDATE, not FOR UPDATE: it still excludes another membership change, but not the
 * FOR KEY SHARE lock that inserting a row referencing the project takes. FOR UPDATE deadlocked
 * with a concurrent task edit: that edit held the event-order lock and waited to insert its
 * event row (foreign key to this project) while this transaction waited for the event-order lock.
 */
async function lockMembership(uow: UnitOfWork, projectId: string): Promise<void> {
  const row = await uow.trx
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'Project not found');
}

async function existingMember(uow: UnitOfWork, projectId: string, userId: string): Promise<Member> {
  const member = await getMember(uow.trx, projectId, userId);
  if (!member) throw new AppError('NOT_FOUND', 'This user is not a member of the project');
  return member;
}

/** Refuses a change that would leave the project without an owner. */
async function assertAnotherOwner(uow: UnitOfWork, projectId: string, userId: string) {
  const other = await uow.trx
    .selectFrom('projectMembers')
    .select('userId')
    .where('projectId', '=', projectId)
    .where('role', '=', 'owner')
    .where('userId', '!=', userId)
    .orderBy('createdAt')
    .orderBy('userId')
    .executeTakeFirst();
  if (!other) {
    throw new AppError('BAD_REQUEST', 'A project must keep at least one owner');
  }
  return other.userId;
}

/** `projects.owner_id` names an owner; when that owner steps down, the longest-standing other owner takes it. */
async function handOverOwnership(uow: UnitOfWork, projectId: string, from: string, to: string) {
  await uow.trx
    .updateTable('projects')
    .set({ ownerId: to })
    .where('id', '=', projectId)
    .where('ownerId', '=', from)
    .execute();
}

/**
 * Changes a member's role (recorded as `member.updated`, with the role it replaced), keeping
 * at least one owner. The role it already has: the member as it is, no event.
 */
export async function updateMemberRole(
  uow: UnitOfWork,
  projectId: string,
  userId: string,
  role: MemberRole,
): Promise<Member> {
  await lockMembership(uow, projectId);
  const current = await existingMember(uow, projectId, userId);
  if (current.role === role) return current;
  if (current.role === 'owner') {
    const successor = await assertAnotherOwner(uow, projectId, userId);
    await handOverOwnership(uow, projectId, userId, successor);
  }
  await uow.trx
    .updateTable('projectMembers')
    .set({ role })
    .where('projectId', '=', projectId)
    .where('userId', '=', userId)
    .execute();
  const member = { ...current, role };
  const previous = { role: current.role };
  uow.record(projectId, { type: 'member.updated', payload: { member, previous } }, userId);
  return member;
}

/**
 * Removes a member (recorded as `member.removed`, with the membership as it was), keeping at
 * least one owner. Their tasks in the project are unassigned, each recorded as `task.updated`
 * (previous `assigneeId`: the member).
 */
export async function removeMember(
  uow: UnitOfWork,
  projectId: string,
  userId: string,
): Promise<void> {
  await lockMembership(uow, projectId);
  const current = await existingMember(uow, projectId, userId);
  if (current.role === 'owner') {
    const successor = await assertAnotherOwner(uow, projectId, userId);
    await handOverOwnership(uow, projectId, userId, successor);
  }
  await uow.trx
    .deleteFrom('projectMembers')
    .where('projectId', '=', projectId)
    .where('userId', '=', userId)
    .execute();
  const unassigned = await uow.trx
    .updateTable('tasks')
    .set((eb) => ({ assigneeId: null, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('projectId', '=', projectId)
    .where('assigneeId', '=', userId)
    .returningAll()
    .execute();
  for (const row of unassigned) {
    // Addressed to the member who lost the task, so their own feed shows it.
    const payload = { task: toTask(row), previous: { assigneeId: userId } };
    uow.record(projectId, { type: 'task.updated', payload }, userId);
  }
  uow.record(projectId, { type: 'member.removed', payload: { userId, previous: current } }, userId);
}
