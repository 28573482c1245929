import { describe, expect, it } from 'vitest';
import type { Task, TaskStatus } from '@taskboard/schema';
import { describeSlot, overIdOf, slotOf, slotOfOver, stepSlot, type Slot } from './keyboardMoves';
import type { BoardView } from './model';

const PROJECT_ID = '00000000-0000-4000-8000-000000000001';
let serial = 0;

function task(title: string, status: TaskStatus): Task {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    projectId: PROJECT_ID,
    title,
    description: '',
    status,
    priority: 'medium',
    assigneeId: null,
    dueDate: null,
    position: String(serial),
    version: 1,
    createdById: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const todo = [task('A', 'todo'), task('B', 'todo'), task('C', 'todo')];
const doing = [task('D', 'in-progress')];
const board: BoardView = {
  project: {
    id: PROJECT_ID,
    name: 'P',
    description: '',
    status: 'active',
    ownerId: PROJECT_ID,
    isInbox: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  },
  columns: [
    { status: 'todo', tasks: todo, count: 3, nextCursor: null },
    { status: 'in-progress', tasks: doing, count: 1, nextCursor: null },
    { status: 'done', tasks: [], count: 0, nextCursor: null },
  ],
  lastEventId: 1,
  filters: null,
  pending: [],
};
const [a, b, c] = todo;
if (!a || !b || !c) throw new Error('no tasks');

function walk(moving: Task, keys: Parameters<typeof stepSlot>[3][]): Slot {
  return keys.reduce((slot, key) => stepSlot(board, moving, slot, key), slotOf(board, moving));
}

describe('keyboard moves by place', () => {
  it('Right goes to the next column at the same height, clamped to its end', () => {
    const slot = walk(b, ['ArrowRight']);
    expect(slot).toEqual({ status: 'in-progress', index: 1 });
    expect(overIdOf(board, slot)).toBe('column:in-progress');
    expect(describeSlot(board, b, slot)).toBe('In progress, position 2 of 2');
  });

  it('three Rights from To do stop at Done, one column at a time', () => {
    expect(walk(a, ['ArrowRight'])).toEqual({ status: 'in-progress', index: 0 });
    expect(walk(a, ['ArrowRight', 'ArrowRight'])).toEqual({ status: 'done', index: 0 });
    expect(walk(a, ['ArrowRight', 'ArrowRight', 'ArrowRight'])).toEqual({
      status: 'done',
      index: 0,
    });
  });

  it('Up and Down move a place within the column, clamped at its ends', () => {
    expect(walk(c, ['ArrowDown'])).toEqual({ status: 'todo', index: 2 });
    expect(walk(c, ['ArrowUp', 'ArrowUp', 'ArrowUp'])).toEqual({ status: 'todo', index: 0 });
    const up = walk(c, ['ArrowUp']);
    // Over B: dropping takes B's place.
    expect(overIdOf(board, up)).toBe(b.id);
    expect(describeSlot(board, c, up)).toBe('To do, position 2 of 3');
  });

  it('reads a droppable back as the place it means', () => {
    const d = doing[0];
    if (!d) throw new Error('no task');
    expect(slotOfOver(board, a, d.id)).toEqual({ status: 'in-progress', index: 0 });
    expect(slotOfOver(board, a, 'column:done')).toEqual({ status: 'done', index: 0 });
    expect(slotOfOver(board, a, 'column:todo')).toEqual({ status: 'todo', index: 2 });
    expect(slotOfOver(board, a, 'column:nowhere')).toBeNull();
  });
});
