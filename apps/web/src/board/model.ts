import { generateKeyBetween } from 'fractional-indexing';
import type { BoardColumn, Project, ProjectEvent, Task, TaskStatus } from '@taskboard/schema';
import { matchesFilters, type BoardFilters } from './search';

export const COLUMN_TITLES: Record<TaskStatus, string> = {
  todo: 'To do',
  'in-progress': 'In progress',
  done: 'Done',
};

/**
 * What one board screen shows: the loaded part of each column, its full count, and the
 * cursor of the rest. Filtered views hold only matching tasks; `lastEventId` is where the
 * view was read, so events it already contains are not applied twice.
 */
export interface BoardView {
  project: Project;
  columns: BoardColumn[];
  lastEventId: number;
  filters: BoardFilters | null;
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

interface Change {
  view: BoardView;
  /** The change touched a task this view had not loaded: some counts may be off. */
  countsUncertain: boolean;
}

function removeFrom(
  view: BoardView,
  taskId: string,
): { view: BoardView; removed: Task | undefined } {
  let removed: Task | undefined;
  const columns = view.columns.map((column) => {
    const index = column.tasks.findIndex((task) => task.id === taskId);
    if (index === -1) return column;
    removed = column.tasks[index];
    return {
      ...column,
      tasks: column.tasks.toSpliced(index, 1),
      count: Math.max(0, column.count - 1),
    };
  });
  return { view: removed ? { ...view, columns } : view, removed };
}

/**
 * Puts a task where it belongs in the view (its column, in order), replacing any older copy.
 * A task past the loaded part of a column is only counted: it appears when that part loads.
 */
export function withTask(view: BoardView, task: Task): Change {
  const before = removeFrom(view, task.id);
  const belongs = matchesFilters(task, view.filters);
  const columns = before.view.columns.map((column) => {
    if (!belongs || column.status !== task.status) return column;
    const last = column.tasks.at(-1);
    const beyondLoaded = column.nextCursor !== null && (!last || compareTasks(task, last) > 0);
    if (beyondLoaded) return { ...column, count: column.count + 1 };
    const index = column.tasks.findIndex((other) => compareTasks(task, other) < 0);
    return {
      ...column,
      tasks: index === -1 ? [...column.tasks, task] : column.tasks.toSpliced(index, 0, task),
      count: column.count + 1,
    };
  });
  return { view: { ...before.view, columns }, countsUncertain: !before.removed };
}

/** `withTask`, unless the view already shows a newer version of the task. */
export function withLatest(view: BoardView, task: Task): Change {
  const shown = findTask(view, task.id);
  if (shown && shown.version > task.version) return { view, countsUncertain: false };
  return withTask(view, task);
}

export function withoutTask(view: BoardView, taskId: string): Change {
  const after = removeFrom(view, taskId);
  return { view: after.view, countsUncertain: !after.removed };
}

/**
 * Applies one live event. Idempotent: events the view was read after, and task versions
 * older than the one shown (an event overtaken by our own mutation's answer), change nothing.
 */
export function applyEvent(view: BoardView, event: ProjectEvent): Change {
  if (event.id <= view.lastEventId || event.projectId !== view.project.id) {
    return { view, countsUncertain: false };
  }
  const change = changeFor(view, event);
  return {
    view: { ...change.view, lastEventId: event.id },
    countsUncertain: change.countsUncertain,
  };
}

function changeFor(view: BoardView, event: ProjectEvent): Change {
  switch (event.type) {
    case 'task.created':
    case 'task.updated':
    case 'task.moved': {
      const change = withLatest(view, event.payload.task);
      // A newly created task was in no column before: the counts are exact.
      return event.type === 'task.created' ? { ...change, countsUncertain: false } : change;
    }
    case 'task.deleted':
      return withoutTask(view, event.payload.taskId);
    case 'project.updated':
      return { view: { ...view, project: event.payload.project }, countsUncertain: false };
    case 'member.added':
    case 'member.updated':
    case 'member.removed':
    case 'project.deleted':
      return { view, countsUncertain: false };
  }
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

export function withCounts(
  view: BoardView,
  counts: Partial<Record<TaskStatus, number>>,
): BoardView {
  return {
    ...view,
    columns: view.columns.map((column) => ({
      ...column,
      count: counts[column.status] ?? column.count,
    })),
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
