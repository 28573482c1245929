import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ReactElement, type RefObject } from 'react';
import {
  memberRoles,
  memberRoleSchema,
  type Member,
  type ProjectWithRole,
} from '@taskboard/schema';
import { initials } from '../board/format';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { useToast } from '../ui/toast';
import { ROLE_LABELS, ROLE_NOUNS } from './roles';

/** One person in the list: their role (a select for whoever manages) and their removal. */
export function MemberRow({
  member,
  project,
  isSelf,
  canManage,
  listHeading,
}: {
  member: Member;
  project: ProjectWithRole;
  isSelf: boolean;
  canManage: boolean;
  listHeading: RefObject<HTMLHeadingElement | null>;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const removed = useRef(false);
  const name = member.user.name;
  const listKey = trpc.members.list.queryKey({ projectId: project.id });

  const changeRole = useMutation(
    trpc.members.updateRole.mutationOptions({
      onMutate: async ({ role }) => {
        await queryClient.cancelQueries({ queryKey: listKey });
        const before = queryClient.getQueryData(listKey);
        queryClient.setQueryData(listKey, (old) =>
          old?.map((item) => (item.userId === member.userId ? { ...item, role } : item)),
        );
        return { before };
      },
      onError: (error, _input, context) => {
        queryClient.setQueryData(listKey, context?.before);
        toast({
          title: 'Role change undone',
          description: appErrorOf(error).message,
          tone: 'error',
        });
      },
      onSuccess: (updated) => {
        toast({ title: `${updated.user.name} is now ${ROLE_NOUNS[updated.role]}` });
      },
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: listKey });
        // My own role decides what I may do here and on the board.
        if (isSelf) {
          void queryClient.invalidateQueries(trpc.projects.get.queryFilter({ id: project.id }));
          void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
        }
      },
    }),
  );

  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        queryClient.setQueryData(listKey, (old) =>
          old?.filter((item) => item.userId !== member.userId),
        );
        void queryClient.invalidateQueries({ queryKey: listKey });
        toast({ title: `Removed ${name} from ${project.name}` });
      },
      onError: (error) => {
        setConfirming(false);
        toast({
          title: `${name} was not removed`,
          description: appErrorOf(error).message,
          tone: 'error',
        });
      },
    }),
  );

  return (
    <li>
      <div className="person grow">
        <span className="person-avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <span className="person-text">
          <span className="person-name">
            <bdi>{name}</bdi>
            {isSelf ? <span className="muted"> (you)</span> : null}
          </span>
          <span className="person-email">{member.user.email}</span>
        </span>
      </div>
      {canManage ? (
        <div className="member-controls">
          <select
            aria-label={`Role for ${name}`}
            value={member.role}
            disabled={changeRole.isPending}
            onChange={(event) => {
              const role = memberRoleSchema.safeParse(event.currentTarget.value);
              if (role.success && role.data !== member.role) {
                changeRole.mutate({
                  projectId: project.id,
                  userId: member.userId,
                  role: role.data,
                });
              }
            }}
          >
            {memberRoles.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
          {isSelf ? null : (
            <button
              type="button"
              className="btn btn-quiet"
              aria-label={`Remove ${name}`}
              onClick={() => {
                setConfirming(true);
              }}
            >
              Remove
            </button>
          )}
        </div>
      ) : (
        <span className={member.role === 'owner' ? 'badge badge-accent' : 'badge'}>
          {ROLE_LABELS[member.role]}
        </span>
      )}
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Remove ${name} from ${project.name}?`}
        confirmLabel="Remove"
        pendingLabel="Removing…"
        pending={remove.isPending}
        onConfirm={() => {
          remove.mutate(
            { projectId: project.id, userId: member.userId },
            {
              onSuccess: () => {
                removed.current = true;
              },
            },
          );
        }}
        onCloseAutoFocus={(event) => {
          // The row is gone after a removal: land on the list instead of the page's top.
          if (removed.current) {
            event.preventDefault();
            listHeading.current?.focus();
          }
        }}
      >
        <p>They lose access to its board at once; tasks assigned to them become unassigned.</p>
      </ConfirmDialog>
    </li>
  );
}
