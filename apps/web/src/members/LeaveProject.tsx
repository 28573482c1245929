import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type ReactElement } from 'react';
import type { ProjectWithRole } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { useToast } from '../ui/toast';

/** "Leave this project": refused to the last owner, who must hand the project on first. */
export function LeaveProject({
  project,
  soleOwner,
}: {
  project: ProjectWithRole;
  soleOwner: boolean;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const user = useCurrentUser();
  const [confirming, setConfirming] = useState(false);
  const leave = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        queryClient.removeQueries(trpc.projects.get.queryFilter({ id: project.id }));
        queryClient.removeQueries(trpc.members.list.queryFilter({ projectId: project.id }));
        void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
        toast({ title: `You left ${project.name}` });
        await navigate({ to: '/' });
      },
      onError: (error) => {
        setConfirming(false);
        const shown = appErrorOf(error);
        toast({
          title: 'You are still a member',
          description:
            shown.code === 'BAD_REQUEST' && project.role === 'owner'
              ? `${shown.message}. Make someone else an owner first.`
              : shown.message,
          tone: 'error',
        });
      },
    }),
  );

  return (
    <section className="panel danger-zone" aria-labelledby="leave-heading">
      <div>
        <h2 id="leave-heading" className="panel-heading">
          Leave this project
        </h2>
        <p className="muted" id="leave-hint">
          {soleOwner
            ? 'You are its only owner: make someone else an owner before you leave.'
            : 'You lose access to its board; an owner can invite you back.'}
        </p>
      </div>
      <button
        type="button"
        className="btn btn-danger"
        aria-describedby="leave-hint"
        disabled={!user || soleOwner}
        onClick={() => {
          setConfirming(true);
        }}
      >
        Leave project
      </button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Leave ${project.name}?`}
        confirmLabel="Leave"
        pendingLabel="Leaving…"
        pending={leave.isPending}
        onConfirm={() => {
          if (user) leave.mutate({ projectId: project.id, userId: user.id });
        }}
      >
        <p>
          You will no longer see its board or its tasks. Tasks assigned to you become unassigned.
        </p>
      </ConfirmDialog>
    </section>
  );
}
