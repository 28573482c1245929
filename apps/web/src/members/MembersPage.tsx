import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useRef, useState, type ReactElement, type RefObject, type SubmitEvent } from 'react';
import {
  addMemberInputSchema,
  LIMITS,
  memberRoles,
  memberRoleSchema,
  type Member,
  type ProjectWithRole,
} from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { membersRoute } from '../router';
import { initials } from '../board/format';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm, withoutField } from '../ui/formErrors';
import { ErrorState, Loading } from '../ui/states';
import { useToast } from '../ui/toast';
import '../pages.css';
import { ROLE_LABELS, ROLE_NOUNS } from './roles';
import { useMemberEvents } from './useMemberEvents';

function byName(a: Member, b: Member): number {
  return a.user.name.localeCompare(b.user.name) || a.user.email.localeCompare(b.user.email);
}

export function MembersPage(): ReactElement {
  const { projectId } = membersRoute.useParams();
  const trpc = useTRPC();
  const user = useCurrentUser();
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const members = useQuery(trpc.members.list.queryOptions({ projectId }));
  useMemberEvents(projectId);
  const listHeading = useRef<HTMLHeadingElement>(null);

  if (project.isPending) {
    return (
      <div className="page">
        <Loading label="Loading members…" />
      </div>
    );
  }
  if (project.isError) {
    const shown = appErrorOf(project.error);
    // Not a member and a malformed id look the same: the project's existence is not revealed.
    const missing = shown.code === 'NOT_FOUND' || shown.code === 'VALIDATION_ERROR';
    return (
      <div className="page">
        <div className="page-header">
          <h1>Members</h1>
        </div>
        <ErrorState
          title={missing ? 'Project not found' : 'Could not load this project'}
          message={missing ? 'It does not exist, or you are not a member of it.' : shown.message}
          {...(missing ? {} : { onRetry: () => void project.refetch() })}
        />
        <p className="state-link">
          <Link to="/">Back to your projects</Link>
        </p>
      </div>
    );
  }

  const current = project.data;
  // A global admin manages every project (SPEC.md permissions), member of it or not.
  const canManage = current.role === 'owner' || user?.role === 'admin';
  // The last owner cannot leave or step down (SPEC.md: a project always keeps an owner).
  const ownerCount = members.data?.filter((member) => member.role === 'owner').length ?? 0;
  const soleOwner = current.role === 'owner' && ownerCount === 1;

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-context">
          <Link to="/projects/$projectId" params={{ projectId }} className="back-link">
            <span aria-hidden="true">← </span>Back to board
          </Link>
          <h1>Members</h1>
          <p className="page-subtitle" dir="auto">
            {current.name}
          </p>
        </div>
      </div>

      {current.isInbox ? (
        <section className="panel notice" aria-labelledby="inbox-notice">
          <h2 id="inbox-notice">Your Inbox is just for you</h2>
          <p className="muted">
            The Inbox is personal, so it cannot be shared. To work with others, create a project and
            invite them there.
          </p>
          <p>
            <Link to="/">Go to your projects</Link>
          </p>
        </section>
      ) : canManage ? (
        <InviteForm project={current} />
      ) : null}

      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading" className="panel-heading" ref={listHeading} tabIndex={-1}>
          People
          {members.data ? <span className="panel-count">{members.data.length}</span> : null}
        </h2>
        {members.isPending ? (
          <Loading label="Loading members…" />
        ) : members.isError ? (
          <ErrorState
            title="Could not load the members"
            message={appErrorOf(members.error).message}
            onRetry={() => void members.refetch()}
          />
        ) : (
          <>
            {canManage ? null : (
              <p className="muted">Only owners can invite people or change roles.</p>
            )}
            <ul className="list">
              {[...members.data].sort(byName).map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  project={current}
                  isSelf={member.userId === user?.id}
                  // The Inbox has one member, its owner, for good: nothing to manage.
                  canManage={canManage && !current.isInbox}
                  listHeading={listHeading}
                />
              ))}
            </ul>
          </>
        )}
      </section>

      {current.role && !current.isInbox ? (
        <LeaveProject project={current} soleOwner={soleOwner} />
      ) : null}
    </div>
  );
}

function InviteForm({ project }: { project: ProjectWithRole }): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [fields, setFields] = useState<Record<string, string>>({});
  const emailInput = useRef<HTMLInputElement>(null);
  const add = useMutation(trpc.members.add.mutationOptions());

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const parsed = parseForm(addMemberInputSchema, {
      projectId: project.id,
      email: values.get('email'),
      role: values.get('role'),
    });
    if (!parsed.ok) {
      setFields(parsed.fields);
      focusFirstError(form, parsed.fields);
      return;
    }
    try {
      const member = await add.mutateAsync(parsed.data);
      queryClient.setQueryData(trpc.members.list.queryKey({ projectId: project.id }), (old) =>
        old ? [...old.filter((item) => item.userId !== member.userId), member] : old,
      );
      void queryClient.invalidateQueries(trpc.members.list.queryFilter({ projectId: project.id }));
      form.reset();
      setFields({});
      emailInput.current?.focus();
      toast({ title: `Added ${member.user.name} as ${ROLE_NOUNS[member.role]}` });
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'NOT_FOUND') {
        setFields({
          email: 'No account with this email. Ask them to sign up first, then invite them.',
        });
        emailInput.current?.focus();
      } else if (shown.code === 'CONFLICT') {
        setFields({ email: 'Already a member of this project' });
        emailInput.current?.focus();
      } else if (shown.code === 'VALIDATION_ERROR' && Object.keys(shown.fields).length > 0) {
        setFields(shown.fields);
      } else {
        setFields({});
        toast({ title: 'Nobody was invited', description: shown.message, tone: 'error' });
      }
    }
  }

  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading" className="panel-heading">
        Invite someone
      </h2>
      <form
        className="inline-form invite-form"
        noValidate
        onSubmit={(event) => void submit(event)}
        onInput={(event) => {
          setFields((current) => withoutField(current, event.target));
        }}
      >
        <Field label="Email" error={fields.email}>
          {(control) => (
            <input
              {...control}
              ref={emailInput}
              name="email"
              type="email"
              autoComplete="off"
              maxLength={LIMITS.emailMax}
              placeholder="name@example.com"
              required
            />
          )}
        </Field>
        <div className="field-role">
          <Field label="Role" error={fields.role}>
            {(control) => (
              <select {...control} name="role" defaultValue="editor">
                {memberRoles.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <button type="submit" className="btn btn-primary" disabled={add.isPending}>
          Invite
        </button>
      </form>
      <p className="field-hint invite-roles">
        They need a Taskboard account. Viewers see the board; editors also add and move tasks;
        owners also rename the project and manage its members.
      </p>
    </section>
  );
}

function MemberRow({
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

function LeaveProject({
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
