import * as db from '@taskboard/db';
import {
  AppError,
  type AddMemberInput,
  type Member,
  type MemberRefInput,
  type MemberRemoveResult,
  type MemberWriteResult,
  type UpdateMemberRoleInput,
  type User,
} from '@taskboard/schema';
import { requireProjectRole, type ReadDeps } from './access';
import { commitAs, withEventId, type CommitDeps } from './commit';

export async function listMembers(
  deps: ReadDeps,
  user: User,
  projectId: string,
): Promise<Member[]> {
  await requireProjectRole(deps, user, projectId, 'viewer');
  return db.listMembers(deps.db, projectId);
}

/** Invites an existing user by email. */
export async function addMember(
  deps: CommitDeps,
  user: User,
  input: AddMemberInput,
): Promise<MemberWriteResult> {
  const target = { projectId: input.projectId };
  const committed = await commitAs(deps, user, target, 'manage', async (uow, { project }) => {
    if (project.isInbox)
      throw new AppError('BAD_REQUEST', 'The Inbox is personal: it has no other members');
    const invitee = await db.getUserByEmail(uow.trx, input.email);
    if (!invitee) throw new AppError('NOT_FOUND', 'No user has this email address');
    return db.addMember(uow, input.projectId, invitee.id, input.role);
  });
  return withEventId(committed);
}

export async function updateMemberRole(
  deps: CommitDeps,
  user: User,
  input: UpdateMemberRoleInput,
): Promise<MemberWriteResult> {
  const committed = await commitAs(deps, user, { projectId: input.projectId }, 'manage', (uow) =>
    db.updateMemberRole(uow, input.projectId, input.userId, input.role),
  );
  return withEventId(committed);
}

/** Owners remove anyone; any member may leave by removing themselves. */
export async function removeMember(
  deps: CommitDeps,
  user: User,
  input: MemberRefInput,
): Promise<MemberRemoveResult> {
  const write = input.userId === user.id ? 'leave' : 'manage';
  const { eventId } = await commitAs(deps, user, { projectId: input.projectId }, write, (uow) =>
    db.removeMember(uow, input.projectId, input.userId),
  );
  return { projectId: input.projectId, userId: input.userId, eventId };
}
