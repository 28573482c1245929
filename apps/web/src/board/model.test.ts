import { describe, expect, it } from 'vitest';
import type { ProjectEvent, Task } from '@taskboard/schema';
import {
  applyEvent,
  isNoOpMove,
  movedTask,
  targetAt,
  withLatest,
  withMoreTasks,
  type BoardView,
} from './model';

const PROJECT_ID = '00000000-0000-4000-8000-000000000001';
let serial = 0;

function task(title: string, position: string, overrides: Partial<Task> = {}): Task {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    projectId: PROJECT_ID,
    title,
    description: '',
    status: 'todo',
    priority: 'medium',
    assigneeId: null,
    dueDate: null,
    position,
    version: 1,
    createdById: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function view(
  todo: Task[],
  options: { more?: boolean; count?: number; done?: Task[] } = {},
): BoardView {
  return {
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
      {
        status: 'todo',
        tasks: todo,
        count: options.count ?? todo.length,
        nextCursor: options.more ? 'cursor' : null,
      },
      { status: 'in-progress', tasks: [], count: 0, nextCursor: null },
      {
        status: 'done',
        tasks: options.done ?? [],
        count: options.done?.length ?? 0,
        nextCursor: null,
      },
    ],
    lastEventId: 10,
    filters: null,
  };
}

function event(
  id: number,
  type: 'task.created' | 'task.updated' | 'task.moved',
  changed: Task,
): ProjectEvent {
  return {
    id,
    projectId: PROJECT_ID,
    actorId: null,
    recipientId: null,
    previousId: null,
    previousRecipientEventId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    type,
    payload: { task: changed },
  };
}

const titles = (board: BoardView, status = 'todo') =>
  board.columns.find((column) => column.status === status)?.tasks.map((one) => one.title);

describe('applying live events', () => {
  it('puts a created task in order by position, once, however often the event arrives', () => {
    const a = task('a', 'a1');
    const c = task('c', 'a3');
    const b = task('b', 'a2');
    const once = applyEvent(view([a, c]), event(11, 'task.created', b)).view;
    expect(titles(once)).toEqual(['a', 'b', 'c']);
    expect(once.columns[0]?.count).toBe(3);
    const twice = applyEvent(once, event(11, 'task.created', b)).view;
    expect(twice).toBe(once);
  });

  it('ignores events the view was read after, and versions older than the one shown', () => {
    const a = task('a', 'a1', { version: 3 });
    const board = view([a]);
    expect(applyEvent(board, event(9, 'task.updated', { ...a, title: 'old' })).view).toBe(board);
    const stale = applyEvent(
      board,
      event(12, 'task.updated', { ...a, title: 'older', version: 2 }),
    ).view;
    expect(titles(stale)).toEqual(['a']);
  });

  it('only counts a task that lands past the loaded part of a column', () => {
    const a = task('a', 'a1');
    const late = task('late', 'a9');
    const result = applyEvent(
      view([a], { more: true, count: 500 }),
      event(11, 'task.created', late),
    );
    expect(titles(result.view)).toEqual(['a']);
    expect(result.view.columns[0]?.count).toBe(501);
    expect(result.countsUncertain).toBe(false);
  });

  it('says so when a task it never loaded moves (its old column is unknown)', () => {
    const unseen = task('unseen', 'a5', { status: 'done', version: 2 });
    const result = applyEvent(view([]), event(11, 'task.moved', unseen));
    expect(titles(result.view, 'done')).toEqual(['unseen']);
    expect(result.countsUncertain).toBe(true);
  });
});

describe('moves', () => {
  it('name the neighbours of the target place and sort there before the server answers', () => {
    const a = task('a', 'a1');
    const b = task('b', 'a2');
    const c = task('c', 'a3');
    const board = view([a, b, c]);
    const target = targetAt(board, c, 'todo', 0);
    expect(target).toEqual({ status: 'todo', afterId: null, beforeId: a.id });
    const moved = withLatest(board, movedTask(board, c, target)).view;
    expect(titles(moved)).toEqual(['c', 'a', 'b']);
    expect(isNoOpMove(board, b, targetAt(board, b, 'todo', 1))).toBe(true);
  });
});

describe('a next page of a column', () => {
  it('skips a task a live event already moved into another column', () => {
    const a = task('a', 'a1');
    const moved = task('moved', 'a2', { status: 'done', version: 2 });
    const board = view([a], { more: true, count: 3, done: [moved] });
    const paged = withMoreTasks(
      board,
      'todo',
      [{ ...moved, status: 'todo', version: 1 }, task('b', 'a3')],
      null,
    );
    expect(titles(paged)).toEqual(['a', 'b']);
    expect(titles(paged, 'done')).toEqual(['moved']);
  });
});
