import { taskStatuses, type Task, type TaskStatus } from '@taskboard/schema';
import { COLUMN_TITLES, findTask, type BoardView } from './model';

/** The id of a column's droppable area (its empty space means "its end"). */
export const COLUMN_PREFIX = 'column:';

/**
 * Where a card being moved would land: a column and a place in it. In the card's own column
 * `index` is the place among all its cards (the card's own index: where it is); in another
 * column it is the card it would go before, and the column's length means its end.
 */
export interface Slot {
  status: TaskStatus;
  index: number;
}

function loaded(view: BoardView, status: TaskStatus): readonly Task[] {
  return view.columns.find((column) => column.status === status)?.tasks ?? [];
}

/** The last place a card can take in a column. */
function lastIndex(view: BoardView, task: Task, status: TaskStatus): number {
  const length = loaded(view, status).length;
  return status === task.status ? Math.max(length - 1, 0) : length;
}

/** Where the card is now. */
export function slotOf(view: BoardView, task: Task): Slot {
  const index = loaded(view, task.status).findIndex((other) => other.id === task.id);
  return { status: task.status, index: Math.max(index, 0) };
}

export type ArrowKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight';

export function isArrowKey(code: string): code is ArrowKey {
  return (
    code === 'ArrowUp' || code === 'ArrowDown' || code === 'ArrowLeft' || code === 'ArrowRight'
  );
}

/**
 * One arrow press: Left/Right go to the neighbouring column at the same height (clamped at the
 * first and last column, so three Rights from "To do" stop at "Done"), Up/Down one place
 * within the column.
 */
export function stepSlot(view: BoardView, task: Task, slot: Slot, key: ArrowKey): Slot {
  if (key === 'ArrowUp') return { ...slot, index: Math.max(slot.index - 1, 0) };
  if (key === 'ArrowDown') {
    return { ...slot, index: Math.min(slot.index + 1, lastIndex(view, task, slot.status)) };
  }
  const at = taskStatuses.indexOf(slot.status);
  const next = taskStatuses[at + (key === 'ArrowRight' ? 1 : -1)];
  if (next === undefined) return slot;
  return { status: next, index: Math.min(slot.index, lastIndex(view, task, next)) };
}

/**
 * The droppable a slot means, as the pointer would be over it: in the card's own column the
 * card at that place (dropping on it takes its place); in another, the card to go before, or
 * the column itself for its end.
 */
export function overIdOf(view: BoardView, slot: Slot): string {
  const tasks = loaded(view, slot.status);
  return tasks[slot.index]?.id ?? `${COLUMN_PREFIX}${slot.status}`;
}

/** The slot a droppable means (the inverse of `overIdOf`), for what is announced. */
export function slotOfOver(view: BoardView, task: Task, overId: string): Slot | null {
  if (overId.startsWith(COLUMN_PREFIX)) {
    const status = taskStatuses.find((candidate) => `${COLUMN_PREFIX}${candidate}` === overId);
    return status ? { status, index: lastIndex(view, task, status) } : null;
  }
  const over = findTask(view, overId);
  if (!over) return null;
  const index = loaded(view, over.status).findIndex((other) => other.id === over.id);
  return { status: over.status, index };
}

/** "In progress, position 2 of 3": where the card would be, counted as it would be then. */
export function describeSlot(view: BoardView, task: Task, slot: Slot): string {
  const length = loaded(view, slot.status).length;
  const total = slot.status === task.status ? length : length + 1;
  return `${COLUMN_TITLES[slot.status]}, position ${slot.index + 1} of ${total}`;
}
