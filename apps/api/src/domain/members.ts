import * as db from '@taskboard/db';
import {
  AppError,
  type AddMemberInput,
  type Member,
  type MemberRefInput,
  type UpdateMemberRoleInput,
  type User,
} from '@taskboard/schema';
import type { AppDeps } from '../deps';
import { requireProjectRole } from './access';
import { commit } from './commit';

export async function listMembers(deps: AppDeps, user: User, projectId: string): Promise<Member[]> {
  await requireProjectRole(deps, user, projectId, 'viewer');
  return db.listMembers(deps.db, projectId);
}

/** Invites an existing user by email. */
export async function addMember(deps: AppDeps, user: User, input: AddMemberInput): Promise<Member> {
  const { project } = await requireProjectRole(deps, user, input.projectId, 'owner');
  if (project.isInbox)
    throw new AppError('BAD_REQUEST', 'The Inbox is personal: it has no other members');
  const invitee = await db.getUserByEmail(deps.db, input.email);
  if (!invitee) throw new AppError('NOT_FOUND', 'No user has this email address');
  return commit(deps, user.id, (uow) => db.addMember(uow, input.projectId, invitee.id, input.role));
}

export async function updateMemberRole(
  deps: AppDeps,
  user: User,
  input: UpdateMemberRoleInput,
): Promise<Member> {
  await requireProjectRole(deps, user, input.projectId, 'owner');
  return commit(deps, user.id, (uow) =>
    db.updateMemberRole(uow, input.projectId, input.userId, input.role),
  );
}

/** Owners remove anyone; any member may leave by removing themselves. */
export async function removeMember(
  deps: AppDeps,
  user: User,
  input: MemberRefInput,
): Promise<void> {
  await requireProjectRole(
    deps,
    user,
    input.projectId,
    input.userId === user.id ? 'viewer' : 'owner',
  );
  await commit(deps, user.id, (uow) => db.removeMember(uow, input.projectId, input.userId));
}
