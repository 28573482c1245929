import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import {
  useEffect,
  useRef,
  useState,
  type SubmitEvent,
  type ReactElement,
  type RefObject,
} from 'react';
import {
  createProjectInputSchema,
  LIMITS,
  updateProjectInputSchema,
  type ProjectListItem,
} from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf } from '../errors';
import { useTRPC } from '../trpc';
import { Field } from '../ui/Field';
import { focusFirstError, parseForm, withoutField } from '../ui/formErrors';
import { EmptyState, ErrorState, Loading } from '../ui/states';
import { useToast } from '../ui/toast';
import '../pages.css';
import { ROLE_LABELS } from '../members/roles';
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

function CreateProjectForm(): ReactElement {
  const trpc = useTRPC();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [fields, setFields] = useState<Record<string, string>>({});
  const create = useMutation(trpc.projects.create.mutationOptions());

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseForm(createProjectInputSchema, { name: new FormData(form).get('name') });
    if (!parsed.ok) {
      setFields(parsed.fields);
      focusFirstError(form, parsed.fields);
      return;
    }
    try {
      const project = await create.mutateAsync(parsed.data);
      form.reset();
      setFields({});
      // Shown at once in every cached list, then confirmed by a refetch.
      queryClient.setQueriesData<ProjectListItem[]>(trpc.projects.list.pathFilter(), (old) =>
        old
          ? [
              ...old,
              { ...project, ownerName: user?.name ?? '', ownerEmail: user?.email ?? '' },
            ].sort((a, b) => a.name.localeCompare(b.name))
          : old,
      );
      void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
      toast({ title: `Created “${project.name}”` });
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'VALIDATION_ERROR' && shown.fields.name) {
        setFields(shown.fields);
      } else {
        toast({ title: 'Project not created', description: shown.message, tone: 'error' });
      }
    }
  }

  return (
    <form
      className="panel inline-form"
      aria-label="New project"
      noValidate
      onSubmit={(event) => void submit(event)}
      onInput={(event) => {
        setFields((current) => withoutField(current, event.target));
      }}
    >
      <Field label="New project name" error={fields.name}>
        {(control) => (
          <input
            {...control}
            name="name"
            type="text"
            dir="auto"
            autoComplete="off"
            maxLength={LIMITS.projectNameMax}
            placeholder="e.g. Printer firmware 2.0"
            required
          />
        )}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        Create project
      </button>
    </form>
  );
}

function ProjectRow({
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
  // A global admin manages every project, member of it or not (SPEC.md permissions).
  const canManage = project.role === 'owner' || user?.role === 'admin';
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

function RenameProjectForm({
  project,
  onDone,
}: {
  project: ProjectListItem;
  onDone: () => void;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [fields, setFields] = useState<Record<string, string>>({});
  const nameInput = useRef<HTMLInputElement>(null);
  const update = useMutation(trpc.projects.update.mutationOptions());

  useEffect(() => {
    nameInput.current?.focus();
    nameInput.current?.select();
  }, []);

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const parsed = parseForm(updateProjectInputSchema, {
      id: project.id,
      name: form.get('name'),
      description: form.get('description'),
    });
    if (!parsed.ok) {
      setFields(parsed.fields);
      focusFirstError(element, parsed.fields);
      return;
    }
    if (parsed.data.name === project.name && parsed.data.description === project.description) {
      onDone();
      return;
    }
    try {
      const updated = await update.mutateAsync(parsed.data);
      queryClient.setQueriesData<ProjectListItem[]>(trpc.projects.list.pathFilter(), (old) =>
        old?.map((item) => (item.id === updated.id ? { ...item, ...updated } : item)),
      );
      void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
      void queryClient.invalidateQueries(trpc.projects.get.queryFilter({ id: project.id }));
      onDone();
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'VALIDATION_ERROR' && Object.keys(shown.fields).length > 0) {
        setFields(shown.fields);
      } else {
        toast({ title: 'Project not renamed', description: shown.message, tone: 'error' });
      }
    }
  }

  return (
    <form
      className="project-edit"
      aria-label={`Edit ${project.name}`}
      noValidate
      onSubmit={(event) => void submit(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onDone();
        }
      }}
    >
      <Field label="Project name" error={fields.name}>
        {(control) => (
          <input
            {...control}
            ref={nameInput}
            name="name"
            type="text"
            autoComplete="off"
            maxLength={LIMITS.projectNameMax}
            dir="auto"
            defaultValue={project.name}
            required
          />
        )}
      </Field>
      <Field
        label="Description"
        error={fields.description}
        hint="Optional: what the project is for."
      >
        {(control) => (
          <textarea
            {...control}
            name="description"
            rows={2}
            maxLength={LIMITS.projectDescriptionMax}
            dir="auto"
            defaultValue={project.description}
          />
        )}
      </Field>
      <div className="project-edit-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          Save
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
