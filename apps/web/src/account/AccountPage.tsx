import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useRef, useState, type ReactElement, type RefObject } from 'react';
import type { SessionInfo } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorState, Loading } from '../ui/states';
import { useToast } from '../ui/toast';
import { deviceName } from './deviceName';
import { fullDateTime, timeAgo } from './relativeTime';
import '../pages.css';

/** This device first, then the most recently used. */
function bySeen(a: SessionInfo, b: SessionInfo): number {
  return Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt);
}

function When({ iso }: { iso: string }): ReactElement {
  return (
    <time dateTime={iso} title={fullDateTime(iso)}>
      {timeAgo(iso)}
    </time>
  );
}

export function AccountPage(): ReactElement {
  const trpc = useTRPC();
  const user = useCurrentUser();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const sessionsHeading = useRef<HTMLHeadingElement>(null);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Account</h1>
      </div>

      <section className="panel" aria-labelledby="profile-heading">
        <h2 id="profile-heading" className="panel-heading">
          Profile
        </h2>
        {user ? (
          <dl className="facts">
            <dt>Name</dt>
            <dd dir="auto">{user.name}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>
              {user.role === 'admin' ? 'Administrator: can see and manage every project' : 'Member'}
            </dd>
            <dt>Member since</dt>
            <dd>
              <time dateTime={user.createdAt}>{fullDateTime(user.createdAt)}</time>
            </dd>
          </dl>
        ) : (
          <Loading label="Loading your profile…" />
        )}
      </section>

      <section className="panel" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" className="panel-heading" ref={sessionsHeading} tabIndex={-1}>
          Sessions
          {sessions.data ? <span className="panel-count">{sessions.data.length}</span> : null}
        </h2>
        <p className="muted">
          Where your account is signed in. Sign out any device you do not recognise.
        </p>
        {sessions.isPending ? (
          <Loading label="Loading sessions…" />
        ) : sessions.isError ? (
          <ErrorState
            title="Could not load your sessions"
            message={appErrorOf(sessions.error).message}
            onRetry={() => void sessions.refetch()}
          />
        ) : (
          <ul className="list">
            {[...sessions.data].sort(bySeen).map((session) => (
              <SessionRow key={session.id} session={session} sessionsHeading={sessionsHeading} />
            ))}
          </ul>
        )}
      </section>

      <SignOutEverywhere />
    </div>
  );
}

function SessionRow({
  session,
  sessionsHeading,
}: {
  session: SessionInfo;
  sessionsHeading: RefObject<HTMLHeadingElement | null>;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const device = deviceName(session.userAgent);
  const detailsId = `session-${session.id}`;

  function forget(): void {
    // The row is about to go: keep keyboard focus in the list.
    sessionsHeading.current?.focus();
    queryClient.setQueryData(trpc.auth.sessions.queryKey(), (old) =>
      old?.filter((item) => item.id !== session.id),
    );
    void queryClient.invalidateQueries(trpc.auth.sessions.queryFilter());
  }

  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: () => {
        forget();
        toast({ title: `Signed out ${device}` });
      },
      onError: (error) => {
        const shown = appErrorOf(error);
        // Already gone (expired, or signed out elsewhere): the list was just out of date.
        if (shown.code === 'NOT_FOUND') forget();
        else
          toast({
            title: `${device} is still signed in`,
            description: shown.message,
            tone: 'error',
          });
      },
    }),
  );

  return (
    <li>
      <div className="grow">
        <p className="session-device">
          {device}
          {session.current ? <span className="badge badge-accent">This device</span> : null}
        </p>
        <p className="session-times" id={detailsId}>
          Signed in <When iso={session.createdAt} /> · last active <When iso={session.lastSeenAt} />
        </p>
      </div>
      {session.current ? null : (
        <button
          type="button"
          className="btn"
          aria-label={`Sign out ${device}`}
          aria-describedby={detailsId}
          disabled={revoke.isPending}
          onClick={() => {
            revoke.mutate({ id: session.id });
          }}
        >
          {revoke.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      )}
    </li>
  );
}

function SignOutEverywhere(): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const logoutAll = useMutation(
    trpc.auth.logoutAll.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        // Nothing cached for this user may outlive the session (the next user of this browser).
        queryClient.clear();
        await navigate({ to: '/sign-in' });
      },
      onError: (error) => {
        setConfirming(false);
        toast({ title: 'Still signed in', description: appErrorOf(error).message, tone: 'error' });
      },
    }),
  );

  return (
    <section className="panel danger-zone" aria-labelledby="everywhere-heading">
      <div>
        <h2 id="everywhere-heading" className="panel-heading">
          Sign out of every device
        </h2>
        <p className="muted">
          Ends all sessions, this one included. Use it after losing a device or if someone else may
          know your password.
        </p>
      </div>
      <button
        type="button"
        className="btn btn-danger"
        onClick={() => {
          setConfirming(true);
        }}
      >
        Sign out everywhere
      </button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Sign out everywhere?"
        confirmLabel="Sign out all devices"
        pendingLabel="Signing out…"
        pending={logoutAll.isPending}
        onConfirm={() => {
          logoutAll.mutate();
        }}
      >
        <p>
          Every device signed in to your account is signed out, including this one. You will need
          your password to sign in again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
