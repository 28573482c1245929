import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRef, useState, type ReactElement } from 'react';
import type { ProjectListItem } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { EmptyState, ErrorState, Loading } from '../ui/states';
import '../pages.css';
import { CreateProjectForm } from './CreateProjectForm';
import { ProjectRow } from './ProjectRow';
import { useProjectListEvents } from './useProjectListEvents';

/**
 * The viewer's own Inbox first (it is where tasks without a project land), then the server's
 * name order; other people's Inboxes (an admin sees them all) by their owners' names.
 */
function inboxFirst(projects: readonly ProjectListItem[], viewerId: string | undefined) {
  const own = (project: ProjectListItem) => project.isInbox && project.ownerId === viewerId;
  return [...projects].sort(
    (a, b) =>
      Number(own(b)) - Number(own(a)) ||
      (a.isInbox && b.isInbox ? a.ownerName.localeCompare(b.ownerName) : 0),
  );
}

export function ProjectsPage(): ReactElement {
  const trpc = useTRPC();
  const [showArchived, setShowArchived] = useState(false);
  const user = useCurrentUser();
  useProjectListEvents();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const projects = useQuery({
    ...trpc.projects.list.queryOptions({ includeArchived: showArchived }),
    // Toggling "Show archived" keeps the current list on screen until the other one arrives.
    placeholderData: keepPreviousData,
  });
  // An archive applied optimistically stays in the cached active list until it is refetched.
  const shown = projects.data
    ? inboxFirst(
        showArchived
          ? projects.data
          : projects.data.filter((project) => project.status === 'active'),
        user?.id,
      )
    : [];
  // With other people's Inboxes listed (an admin's list), the viewer's own says it is theirs.
  const othersInboxes = shown.some((project) => project.isInbox && project.ownerId !== user?.id);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Projects</h1>
        <span className="spacer" />
        <label className="checkbox-label">
          <input
            type="checkbox"
            checked={showArchived}
            onChange={(event) => {
              setShowArchived(event.currentTarget.checked);
            }}
          />
          Show archived
        </label>
      </div>

      <CreateProjectForm />

      <section className="panel" aria-labelledby="projects-list-heading">
        <h2 id="projects-list-heading" className="panel-heading" ref={listHeading} tabIndex={-1}>
          {showArchived ? 'Active and archived' : 'Active'}
          {projects.data ? <span className="panel-count">{shown.length}</span> : null}
        </h2>
        {projects.isPending ? (
          <Loading label="Loading projects…" />
        ) : projects.isError ? (
          <ErrorState
            title="Could not load your projects"
            message={appErrorOf(projects.error).message}
            onRetry={() => void projects.refetch()}
          />
        ) : shown.length === 0 ? (
          <EmptyState title="No projects yet">
            <p>Name your first project above and press “Create project” to start a board.</p>
          </EmptyState>
        ) : (
          <ul className="list project-list" aria-busy={projects.isPlaceholderData}>
            {shown.map((project) => (
              <ProjectRow
                key={project.id}
                project={project}
                listHeading={listHeading}
                markOwn={othersInboxes}
              />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
