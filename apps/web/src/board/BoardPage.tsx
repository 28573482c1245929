import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useCallback, useMemo, useRef, useState, type ReactElement } from 'react';
import { can, type Task, type TaskStatus } from '@taskboard/schema';
import { useCurrentUser } from '../auth/session';
import { appErrorOf, type ShownError } from '../errors';
import { useTRPC, useTRPCClient } from '../trpc';
import { ErrorState, Loading } from '../ui/states';
import { useToast } from '../ui/toast';
import { Board } from './Board';
import { ConflictDialog } from './ConflictDialog';
import { boardKey, fetchBoardView, fetchMoreTasks } from './data';
import { Filters } from './Filters';
import {
  findTask,
  movedTask,
  shownView,
  withMoreTasks,
  type BoardView,
  type MoreState,
} from './model';
import { filtersOf, type BoardSearch } from './search';
import { TaskDialog } from './TaskDialog';
import { useBoardMutations, type Conflict } from './useBoardMutations';
import { useProjectEvents } from './useProjectEvents';

// By id, not by the route object: importing the router here would make a cycle with it.
const boardRoute = getRouteApi('/signed-in/projects/$projectId');

export function BoardPage(): ReactElement {
  const { projectId } = boardRoute.useParams();
  const search = boardRoute.useSearch();
  const navigate = boardRoute.useNavigate();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const toast = useToast();

  const { q, assignee, priority } = search;
  // Stable while the filters stay the same: the query key and the callbacks below use it.
  const filters = useMemo(() => filtersOf({ q, assignee, priority }), [q, assignee, priority]);
  const key = useMemo(() => boardKey(projectId, filters), [projectId, filters]);

  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const members = useQuery(trpc.members.list.queryOptions({ projectId }));
  const view = useQuery({
    queryKey: key,
    queryFn: () => fetchBoardView(client, projectId, filters),
    // Live events keep the view current; a refetch would race them.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    placeholderData: (previous: BoardView | undefined) =>
      previous?.project.id === projectId ? previous : undefined,
  });

  // Which board's live updates ended, and why: the page is reused when another board opens.
  const [lostFeed, setLostFeed] = useState<{ projectId: string; error: ShownError } | null>(null);
  const onLost = useCallback(
    (error: ShownError) => {
      setLostFeed({ projectId, error });
    },
    [projectId],
  );
  useProjectEvents(projectId, view.data !== undefined, onLost);
  const lost = lostFeed?.projectId === projectId ? lostFeed.error : null;

  // The server's state with our own writes not yet back through the feed on top.
  const shown = useMemo(() => (view.data ? shownView(view.data) : undefined), [view.data]);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const mutations = useBoardMutations(projectId, shown, setConflict);

  // Per column: a next page loading, or failed (then only the user's "Try again" retries:
  // loading again by itself would repeat the failure in a loop).
  const [more, setMore] = useState<ReadonlyMap<TaskStatus, MoreState>>(new Map());
  const markMore = useCallback((status: TaskStatus, state: MoreState | null) => {
    setMore((current) => {
      const next = new Map(current);
      if (state) next.set(status, state);
      else next.delete(status);
      return next;
    });
  }, []);
  // Synchronous guard: two renders may ask for the same page before the state above lands.
  const inFlight = useRef(new Set<TaskStatus>());
  const loadMore = useCallback(
    (status: TaskStatus) => {
      const current = queryClient.getQueryData<BoardView>(key);
      const cursor = current?.columns.find((column) => column.status === status)?.nextCursor;
      if (!current || !cursor || inFlight.current.has(status)) return;
      inFlight.current.add(status);
      markMore(status, 'loading');
      fetchMoreTasks(client, current, status, cursor)
        .then((page) => {
          queryClient.setQueryData<BoardView>(key, (shown) =>
            shown ? withMoreTasks(shown, status, page.tasks, page.nextCursor) : shown,
          );
          markMore(status, null);
        })
        .catch((error: unknown) => {
          markMore(status, 'failed');
          toast({
            title: 'Could not load more tasks',
            description: appErrorOf(error).message,
            tone: 'error',
          });
        })
        .finally(() => {
          inFlight.current.delete(status);
        });
    },
    [client, key, markMore, queryClient, toast],
  );

  const setSearch = useCallback(
    (next: Partial<BoardSearch>) => {
      void navigate({ search: (previous) => ({ ...previous, ...next }), replace: true });
    },
    [navigate],
  );

  const openTask = useCallback(
    (task: Task) => {
      void navigate({ search: (previous) => ({ ...previous, task: task.id }) });
    },
    [navigate],
  );
  const closeTask = useCallback(() => {
    void navigate({ search: (previous) => ({ ...previous, task: undefined }) });
  }, [navigate]);

  const shownTask = search.task && shown ? findTask(shown, search.task) : undefined;
  const fetchedTask = useQuery({
    ...trpc.tasks.get.queryOptions({ id: search.task ?? '' }),
    enabled: search.task !== undefined && shown !== undefined && shownTask === undefined,
  });

  if (project.error ?? view.error) {
    const shown = appErrorOf(project.error ?? view.error);
    return (
      <div className="page">
        <ErrorState
          title={shown.code === 'NOT_FOUND' ? 'Project not found' : 'Could not open this board'}
          message={
            shown.code === 'NOT_FOUND'
              ? 'It does not exist, or you are not a member of it.'
              : shown.message
          }
          {...(shown.code === 'NOT_FOUND'
            ? {}
            : { onRetry: () => void Promise.all([project.refetch(), view.refetch()]) })}
        />
        <Link to="/">Back to your projects</Link>
      </div>
    );
  }
  if (lost) {
    return (
      <div className="page">
        <ErrorState
          title={
            lost.code === 'NOT_FOUND' || lost.code === 'FORBIDDEN'
              ? 'This board is no longer available'
              : 'Live updates stopped'
          }
          message={
            lost.code === 'NOT_FOUND' || lost.code === 'FORBIDDEN'
              ? 'The project was deleted, or you were removed from it.'
              : lost.message
          }
          onRetry={() => {
            setLostFeed(null);
            void queryClient.resetQueries({ queryKey: key });
          }}
        />
        <Link to="/">Back to your projects</Link>
      </div>
    );
  }
  if (!shown || !project.data) return <Loading label="Loading board…" />;

  const board = shown;
  const role = project.data.role;
  // From the live view: an archive by someone else makes the board read-only at once.
  const archived = board.project.status === 'archived';
  const canEdit = !archived && can({ role, userRole: user?.role }, 'writeTasks');

  return (
    <div className="board-page">
      <div className="board-header">
        <h1 dir="auto">{board.project.name}</h1>
        {archived ? <span className="badge">Archived: read-only</span> : null}
        {!archived && !canEdit ? <span className="badge badge-accent">View only</span> : null}
        <Link to="/projects/$projectId/members" params={{ projectId }} className="btn btn-quiet">
          Members
        </Link>
        <span className="spacer" />
        <Filters search={search} members={members.data} onChange={setSearch} />
        {view.isPlaceholderData ? (
          <span className="muted" role="status">
            Updating…
          </span>
        ) : null}
      </div>
      <Board
        view={board}
        members={members.data}
        canEdit={canEdit}
        more={more}
        onOpen={openTask}
        onMove={(task, target) => {
          mutations.move.mutate({ task, target });
        }}
        onAdd={(status, title) => {
          const first =
            board.columns.find((candidate) => candidate.status === status)?.tasks[0] ?? null;
          const now = new Date().toISOString();
          const unsaved: Task = {
            id: crypto.randomUUID(),
            projectId,
            title,
            description: '',
            status,
            priority: 'medium',
            assigneeId: null,
            dueDate: null,
            position: '',
            version: 1,
            createdById: user?.id ?? null,
            createdAt: now,
            updatedAt: now,
          };
          // Shown first in its column until the server answers with the real one.
          const draft = movedTask(board, unsaved, {
            status,
            afterId: null,
            beforeId: first?.id ?? null,
          });
          mutations.create.mutate({ draft });
        }}
        onLoadMore={loadMore}
      />
      {search.task ? (
        <TaskDialog
          task={shownTask ?? fetchedTask.data}
          missing={fetchedTask.error ? 'This task no longer exists, or you cannot see it.' : null}
          members={members.data}
          canEdit={canEdit}
          onSave={(base, changes) => mutations.update.mutateAsync({ task: base, changes })}
          onDelete={(base) => {
            mutations.remove.mutate(base);
          }}
          onClose={closeTask}
        />
      ) : null}
      <ConflictDialog
        conflict={conflict}
        members={members.data}
        onApply={(current) => {
          setConflict(null);
          mutations.reapply(current);
        }}
        onDiscard={() => {
          setConflict(null);
          toast({ title: 'Kept their version', description: 'Your change was discarded.' });
        }}
      />
    </div>
  );
}
