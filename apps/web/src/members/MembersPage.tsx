import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useRef, type ReactElement } from 'react';
import { can, type Member } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { ErrorState, Loading } from '../ui/states';
import '../pages.css';
import { InviteForm } from './InviteForm';
import { LeaveProject } from './LeaveProject';
import { MemberRow } from './MemberRow';
import { useMemberEvents } from './useMemberEvents';

// By id, not by the route object: importing the router here would make a cycle with it.
const membersRoute = getRouteApi('/signed-in/projects/$projectId/members');

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
  const canManage = can({ role: current.role, userRole: user?.role }, 'manageProject');
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
