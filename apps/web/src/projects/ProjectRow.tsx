import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type ReactElement, type RefObject } from 'react';
import { can, type ProjectListItem } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { ROLE_LABELS } from '../members/roles';
import { useTRPC } from '../trpc';
import { useToast } from '../ui/toast';
import { RenameProjectForm } from './RenameProjectForm';

/** One project in the list: its link, whose it is, and (for whoever manages it) rename and archive. */
export function ProjectRow({
  project,
  listHeading,
  markOwn,
}: {
  project: ProjectListItem;
  listHeading: RefObject<HTMLHeadingElement | null>;
  /** Say "Your Inbox" on the viewer's own (when others' Inboxes are listed too). */
  markOwn: boolean;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const user = useCurrentUser();
  const [editing, setEditing] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const canManage = can({ role: project.role, userRole: user?.role }, 'manageProject');
  const archived = project.status === 'archived';

  useEffect(() => {
    // Back from the edit form: focus returns to the button that opened it.
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      renameButton.current?.focus();
    }
  }, [editing]);

  const archive = useMutation(
    trpc.projects.archive.mutationOptions({
      onMutate: async ({ archived: archiving }) => {
        const filter = trpc.projects.list.pathFilter();
        await queryClient.cancelQueries(filter);
        const before = queryClient.getQueriesData<ProjectListItem[]>(filter);
        queryClient.setQueriesData<ProjectListItem[]>(filter, (old) =>
          old?.map((item) =>
            item.id === project.id ? { ...item, status: archiving ? 'archived' : 'active' } : item,
          ),
        );
        return { before };
      },
      onError: (error, { archived: archiving }, context) => {
        for (const [key, data] of context?.before ?? []) queryClient.setQueryData(key, data);
        toast({
          title: archiving ? 'Archive undone' : 'Restore undone',
          description: appErrorOf(error).message,
          tone: 'error',
        });
      },
      onSuccess: (_project, { archived: archiving }) => {
        toast({
          title: archiving ? `Archived “${project.name}”` : `Restored “${project.name}”`,
          ...(archiving ? { description: 'Tick “Show archived” to find it again.' } : {}),
        });
      },
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
        void queryClient.invalidateQueries(trpc.projects.get.queryFilter({ id: project.id }));
      },
    }),
  );

  if (editing) {
    return (
      <li className="project-row">
        <RenameProjectForm
          project={project}
          onDone={() => {
            returnFocus.current = true;
            setEditing(false);
          }}
        />
      </li>
    );
  }

  return (
    <li className={archived ? 'project-row project-archived' : 'project-row'}>
      <div className="grow">
        <div className="project-title">
          <Link
            to="/projects/$projectId"
            params={{ projectId: project.id }}
            className="project-link"
            dir="auto"
          >
            {project.name}
          </Link>
          {/* The Inbox is always its owner's own: a role badge there says nothing. */}
          {project.isInbox ? (
            <span className="badge badge-accent">Inbox</span>
          ) : (
            <span className="badge">{project.role ? ROLE_LABELS[project.role] : 'Admin'}</span>
          )}
          {archived ? <span className="badge badge-archived">Archived</span> : null}
        </div>
        {/* Whose it is, unless it is the viewer's own: an admin sees every user's Inbox. */}
        {project.ownerId !== user?.id ? (
          <p className="muted project-owner">
            {project.isInbox ? 'Inbox of ' : 'Owned by '}
            <bdi>{project.ownerName}</bdi>
            {/* Two owners may share a name; an admin tells them apart by email. */}
            {user?.role === 'admin' ? (
              <span className="project-owner-email"> · {project.ownerEmail}</span>
            ) : null}
          </p>
        ) : markOwn && project.isInbox ? (
          <p className="muted project-owner">Your Inbox</p>
        ) : null}
        {project.description ? (
          <p className="muted project-description" dir="auto">
            {project.description}
          </p>
        ) : null}
      </div>
      {canManage ? (
        <div className="row-actions">
          <button
            type="button"
            className="btn btn-quiet"
            ref={renameButton}
            aria-label={`Rename ${project.name}`}
            onClick={() => {
              setEditing(true);
            }}
          >
            Rename
          </button>
          {project.isInbox ? null : (
            <button
              type="button"
              className="btn btn-quiet"
              aria-label={`${archived ? 'Restore' : 'Archive'} ${project.name}`}
              disabled={archive.isPending}
              onClick={() => {
                // The row leaves the list: keep keyboard users in the list instead of on <body>.
                if (!archived) listHeading.current?.focus();
                archive.mutate({ id: project.id, archived: !archived });
              }}
            >
              {archived ? 'Restore' : 'Archive'}
            </button>
          )}
        </div>
      ) : null}
    </li>
  );
}
