import { generateKeyBetween } from 'fractional-indexing';
import type {
  BoardColumn,
  Project,
  ProjectEvent,
  Task,
  TaskStatus,
  TaskUpdatedPrevious,
} from '@taskboard/schema';
import { matchesFilters, type BoardFilters } from './search';

export const COLUMN_TITLES: Record<TaskStatus, string> = {
  todo: 'To do',
  'in-progress': 'In progress',
  done: 'Done',
};

/**
 * What one board screen shows: the loaded part of each column, its full count, and the
 * cursor of the rest, as of the event `lastEventId` (the server's state: a read, then every
 * later event). Filtered views hold and count only matching tasks. `pending` are our own
 * writes not yet back through the feed; `shownView` draws them on top.
 */
export interface BoardView {
  project: Project;
  columns: BoardColumn[];
  lastEventId: number;
  filters: BoardFilters | null;
  pending: readonly OwnWrite[];
}

/**
 * One write of ours, shown before the server has it: the task as it will be (null: deleted).
 * Once answered it names its event, and it is dropped when the view applies that event, so
 * the board never shows a change twice or takes one away before the feed brings it.
 */
export interface OwnWrite {
  /** Tells this write apart from others on the same task (numbered as they are made). */
  key: number;
  taskId: string;
  after: Task | null;
  /** A new task (quick add): shown although no view had it. */
  creates: boolean;
  /** The event that will bring it back; absent until the server answered. */
  eventId?: number;
}

/**
 * The task with some of the fields an update changes set to other values: the user's edits
 * (shown before the server answers), or an event's previous values (the task as it was).
 */
export function editedTask(task: Task, values: TaskUpdatedPrevious): Task {
  return {
    ...task,
    ...(values.title === undefined ? {} : { title: values.title }),
    ...(values.description === undefined ? {} : { description: values.description }),
    ...(values.status === undefined ? {} : { status: values.status }),
    ...(values.priority === undefined ? {} : { priority: values.priority }),
    ...(values.assigneeId === undefined ? {} : { assigneeId: values.assigneeId }),
    ...(values.dueDate === undefined ? {} : { dueDate: values.dueDate }),
    ...(values.position === undefined ? {} : { position: values.position }),
  };
}

/** A column's next page, while it loads or after it failed. */
export type MoreState = 'loading' | 'failed';

/** Board order: position, then id for equal keys (the server's order too). */
function compareTasks(a: Task, b: Task): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

export function findTask(view: BoardView, taskId: string): Task | undefined {
  for (const column of view.columns) {
    const task = column.tasks.find((candidate) => candidate.id === taskId);
    if (task) return task;
  }
  return undefined;
}

/**
 * Replaces a task in the view. Counts follow what the task was and is: one less in the column
 * `before` was counted in, one more in `after`'s (each only if it passes the view's filters),
 * loaded or not. The loaded lists lose any copy and get `after` in order, unless it lands past
 * the loaded part of its column (it appears when that part loads) or, with `keepNewer`, the
 * copy shown is already as new (a page read after the change brought it).
 */
function replaceTask(
  view: BoardView,
  taskId: string,
  before: Task | null,
  after: Task | null,
  keepNewer: boolean,
): BoardView {
  const shown = findTask(view, taskId);
  const listsStay =
    keepNewer && shown !== undefined && after !== null && shown.version >= after.version;
  const from = before && matchesFilters(before, view.filters) ? before.status : null;
  const to = after && matchesFilters(after, view.filters) ? after.status : null;
  const columns = view.columns.map((column) => {
    const count = column.count - (column.status === from ? 1 : 0) + (column.status === to ? 1 : 0);
    if (listsStay) return { ...column, count: Math.max(0, count) };
    const index = column.tasks.findIndex((task) => task.id === taskId);
    let tasks = index === -1 ? column.tasks : column.tasks.toSpliced(index, 1);
    if (after && column.status === to) {
      const at = tasks.findIndex((other) => compareTasks(after, other) < 0);
      // Past the last loaded card of a column that has more: not loaded, only counted.
      if (at !== -1 || column.nextCursor === null) {
        tasks = at === -1 ? [...tasks, after] : tasks.toSpliced(at, 0, after);
      }
    }
    return { ...column, tasks, count: Math.max(0, count) };
  });
  return { ...view, columns };
}

/**
 * Applies one live event. Idempotent: events the view was read after change nothing. Counts
 * come from the event's previous values, so a task this view never loaded still leaves the
 * right column. `exact` is false only for an event logged before events carried previous
 * values, about a task the view has not loaded: then the view must be read again.
 */
export function applyEvent(
  view: BoardView,
  event: ProjectEvent,
): { view: BoardView; exact: boolean } {
  if (event.id <= view.lastEventId || event.projectId !== view.project.id) {
    return { view, exact: true };
  }
  const change = changeFor(view, event);
  return {
    view: {
      ...change.view,
      lastEventId: event.id,
      // Our writes this event (or an earlier one) brought back are now part of the view.
      pending: view.pending.filter(
        (write) => write.eventId === undefined || write.eventId > event.id,
      ),
    },
    exact: change.exact,
  };
}

function changeFor(view: BoardView, event: ProjectEvent): { view: BoardView; exact: boolean } {
  switch (event.type) {
    case 'task.created':
      return {
        view: replaceTask(view, event.payload.task.id, null, event.payload.task, true),
        exact: true,
      };
    case 'task.updated':
    case 'task.moved': {
      const { task, previous } = event.payload;
      return changedFrom(view, task.id, previous ? editedTask(task, previous) : null, task);
    }
    case 'task.deleted':
      return changedFrom(view, event.payload.taskId, event.payload.previous, null);
    case 'project.updated':
      return { view: { ...view, project: event.payload.project }, exact: true };
    case 'member.added':
    case 'member.updated':
    case 'member.removed':
    case 'project.deleted':
      return { view, exact: true };
  }
}

/** A change to a task as it was (`before`, null when the event is too old to say). */
function changedFrom(
  view: BoardView,
  taskId: string,
  before: Task | null,
  after: Task | null,
): { view: BoardView; exact: boolean } {
  if (before) return { view: replaceTask(view, taskId, before, after, true), exact: true };
  // Where a loaded task was counted the view itself shows; an unloaded one it cannot know.
  const shown = findTask(view, taskId) ?? null;
  return { view: replaceTask(view, taskId, shown, after, true), exact: shown !== null };
}

/**
 * The view as the user sees it: the server's state with our pending writes on top, in the
 * order they were made. A write changes what the view has loaded (or adds a new task); a task
 * it never loaded changes when the write's event arrives, so counts are never moved twice.
 */
export function shownView(view: BoardView): BoardView {
  let shown = view;
  for (const write of view.pending) {
    const current = findTask(shown, write.taskId) ?? null;
    if (current || write.creates) {
      shown = replaceTask(shown, write.taskId, current, write.after, false);
    }
  }
  return shown === view ? view : { ...shown, pending: [] };
}

/** The view with one more write of ours pending. */
export function withPending(view: BoardView, write: OwnWrite): BoardView {
  return { ...view, pending: [...view.pending, write] };
}

/**
 * The view once the server answered one of our writes: it waits for its event, unless the
 * view already has it (or the write committed no event: it changed nothing).
 */
export function withAnswer(view: BoardView, key: number, eventId: number | null): BoardView {
  const done = eventId === null || eventId <= view.lastEventId;
  return {
    ...view,
    pending: done
      ? view.pending.filter((write) => write.key !== key)
      : view.pending.map((write) => (write.key === key ? { ...write, eventId } : write)),
  };
}

/** The view without a write of ours (the server refused it): the board shows what it has. */
export function withoutPending(view: BoardView, key: number): BoardView {
  return { ...view, pending: view.pending.filter((write) => write.key !== key) };
}

/**
 * Appends the next page of a column, skipping tasks the view already shows anywhere: a live
 * event may have put one there, or moved it to another column, while the page was read.
 */
export function withMoreTasks(
  view: BoardView,
  status: TaskStatus,
  tasks: Task[],
  nextCursor: string | null,
): BoardView {
  const shown = new Set(view.columns.flatMap((column) => column.tasks.map((task) => task.id)));
  return {
    ...view,
    columns: view.columns.map((column) => {
      if (column.status !== status) return column;
      return {
        ...column,
        tasks: [...column.tasks, ...tasks.filter((task) => !shown.has(task.id))],
        nextCursor,
      };
    }),
  };
}

/** Where a moved task lands: its neighbours in the target column, as the move API takes them. */
export interface MoveTarget {
  status: TaskStatus;
  afterId: string | null;
  beforeId: string | null;
}

/**
 * The target of putting `task` at `index` of `status`'s column (index counted without the
 * task itself), with the neighbours the server needs.
 */
export function targetAt(
  view: BoardView,
  task: Task,
  status: TaskStatus,
  index: number,
): MoveTarget {
  const others = (view.columns.find((column) => column.status === status)?.tasks ?? []).filter(
    (other) => other.id !== task.id,
  );
  const clamped = Math.max(0, Math.min(index, others.length));
  return {
    status,
    afterId: others[clamped - 1]?.id ?? null,
    beforeId: others[clamped]?.id ?? null,
  };
}

/**
 * The task as it will look after the move, for showing it there before the server answers:
 * a key between the neighbours' (the server computes its own; ours only has to sort right).
 */
export function movedTask(view: BoardView, task: Task, target: MoveTarget): Task {
  const after = target.afterId ? findTask(view, target.afterId) : undefined;
  const before = target.beforeId ? findTask(view, target.beforeId) : undefined;
  let position: string;
  try {
    position = generateKeyBetween(after?.position ?? null, before?.position ?? null);
  } catch {
    // Equal neighbour keys (ties broken by id): any key between is wrong; theirs sorts close.
    position = after?.position ?? before?.position ?? task.position;
  }
  return { ...task, status: target.status, position };
}

/** Whether a move would leave the task where it is. */
export function isNoOpMove(view: BoardView, task: Task, target: MoveTarget): boolean {
  if (task.status !== target.status) return false;
  const column = view.columns.find((candidate) => candidate.status === task.status)?.tasks ?? [];
  const index = column.findIndex((other) => other.id === task.id);
  return (
    (column[index - 1]?.id ?? null) === target.afterId &&
    (column[index + 1]?.id ?? null) === target.beforeId
  );
}
