import { describe, expect, it } from 'vitest';
import type { ProjectEvent, Task, TaskUpdatedPrevious } from '@taskboard/schema';
import type { BoardFilters } from './search';
import {
  applyEvent,
  isNoOpMove,
  movedTask,
  shownView,
  targetAt,
  withAnswer,
  withMoreTasks,
  withPending,
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
  options: { more?: boolean; count?: number; done?: Task[]; filters?: BoardFilters } = {},
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
    filters: options.filters ?? null,
    pending: [],
  };
}

const envelope = {
  projectId: PROJECT_ID,
  actorId: null,
  recipientId: null,
  previousId: null,
  previousRecipientEventId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function created(id: number, task: Task): ProjectEvent {
  return { ...envelope, id, type: 'task.created', payload: { task } };
}

/** A move of `was` to `now` (the task as it is after), with its previous values. */
function moved(id: number, was: Task, now: Task): ProjectEvent {
  return {
    ...envelope,
    id,
    type: 'task.moved',
    payload: { task: now, previous: { status: was.status, position: was.position } },
  };
}

function updated(id: number, now: Task, previous: TaskUpdatedPrevious | null): ProjectEvent {
  return { ...envelope, id, type: 'task.updated', payload: { task: now, previous } };
}

function deleted(id: number, was: Task): ProjectEvent {
  return { ...envelope, id, type: 'task.deleted', payload: { taskId: was.id, previous: was } };
}

const titles = (board: BoardView, status = 'todo') =>
  board.columns.find((column) => column.status === status)?.tasks.map((one) => one.title);
const counts = (board: BoardView) => board.columns.map((column) => column.count);

describe('applying live events', () => {
  it('puts a created task in order by position, once, however often the event arrives', () => {
    const a = task('a', 'a1');
    const c = task('c', 'a3');
    const b = task('b', 'a2');
    const once = applyEvent(view([a, c]), created(11, b)).view;
    expect(titles(once)).toEqual(['a', 'b', 'c']);
    expect(once.columns[0]?.count).toBe(3);
    const twice = applyEvent(once, created(11, b)).view;
    expect(twice).toBe(once);
  });

  it('ignores events the view was read after, and keeps a newer copy than the event’s', () => {
    const a = task('a', 'a1', { version: 3 });
    const board = view([a]);
    const old = updated(9, { ...a, title: 'old' }, { title: 'a' });
    expect(applyEvent(board, old).view).toBe(board);
    const stale = applyEvent(
      board,
      updated(12, { ...a, title: 'older', version: 2 }, { title: 'x' }),
    );
    expect(titles(stale.view)).toEqual(['a']);
    expect(counts(stale.view)).toEqual([1, 0, 0]);
  });

  it('only counts a task that lands past the loaded part of a column', () => {
    const a = task('a', 'a1');
    const late = task('late', 'a9');
    const result = applyEvent(view([a], { more: true, count: 500 }), created(11, late));
    expect(titles(result.view)).toEqual(['a']);
    expect(result.view.columns[0]?.count).toBe(501);
    expect(result.exact).toBe(true);
  });

  it('takes a card it never loaded out of the right column’s count, by the event’s previous values', () => {
    const loaded = task('loaded', 'a1');
    const unseen = task('unseen', 'a9');
    const board = view([loaded], { more: true, count: 500 });
    const result = applyEvent(board, moved(11, unseen, { ...unseen, status: 'done', version: 2 }));
    expect(result.exact).toBe(true);
    expect(counts(result.view)).toEqual([499, 0, 1]);
    expect(titles(result.view, 'done')).toEqual(['unseen']);

    const gone = applyEvent(result.view, deleted(12, task('other', 'a8'))).view;
    expect(counts(gone)).toEqual([498, 0, 1]);
  });

  it('counts a filtered view by whether the task matched before and matches now', () => {
    const filters: BoardFilters = { priority: 'high' };
    const board = view([], { more: true, count: 40, filters });
    const unseen = task('unseen', 'a9', { priority: 'high' });
    // Made low: it leaves the high view's count, though that view never loaded it.
    const lowered = updated(11, { ...unseen, priority: 'low', version: 2 }, { priority: 'high' });
    expect(counts(applyEvent(board, lowered).view)).toEqual([39, 0, 0]);
    // Deleting a low task it never counted changes nothing in it.
    const low = task('low', 'a7', { priority: 'low' });
    expect(counts(applyEvent(board, deleted(11, low)).view)).toEqual([40, 0, 0]);
  });

  it('asks for a re-read only for an event too old to carry previous values, about a card it never loaded', () => {
    const loaded = task('loaded', 'a1');
    const board = view([loaded], { more: true, count: 500 });
    const unseen = task('unseen', 'a9', { status: 'done', version: 2 });
    expect(applyEvent(board, updated(11, unseen, null)).exact).toBe(false);
    const known = applyEvent(board, updated(11, { ...loaded, status: 'done', version: 2 }, null));
    expect(known.exact).toBe(true);
    expect(counts(known.view)).toEqual([499, 0, 1]);
  });
});

describe('our own writes', () => {
  it('show at once, and once their event is back they are the server’s state: nothing moves twice', () => {
    const a = task('a', 'a1');
    const b = task('b', 'a2');
    let board = withPending(view([a, b], { more: true, count: 300 }), {
      key: 1,
      taskId: a.id,
      after: { ...a, status: 'done' },
      creates: false,
    });
    expect(counts(shownView(board))).toEqual([299, 0, 1]);
    expect(titles(shownView(board), 'done')).toEqual(['a']);
    // Answered first, then its event arrives.
    board = withAnswer(board, 1, 11);
    expect(counts(shownView(board))).toEqual([299, 0, 1]);
    board = applyEvent(board, moved(11, a, { ...a, status: 'done', version: 2 })).view;
    expect(board.pending).toEqual([]);
    expect(counts(shownView(board))).toEqual([299, 0, 1]);
  });

  it('count once when the event arrives before the answer (a delete, a move past the loaded cards)', () => {
    const a = task('a', 'a1');
    const b = task('b', 'a2');
    let board = view([a, b], { more: true, count: 300 });
    board = withPending(board, { key: 1, taskId: a.id, after: null, creates: false });
    board = withPending(board, {
      key: 2,
      taskId: b.id,
      after: { ...b, position: 'z' },
      creates: false,
    });
    expect(counts(shownView(board))).toEqual([299, 0, 0]);
    board = applyEvent(board, deleted(11, a)).view;
    board = applyEvent(board, moved(12, b, { ...b, position: 'z', version: 2 })).view;
    expect(counts(shownView(board))).toEqual([299, 0, 0]);
    expect(titles(shownView(board))).toEqual([]);
    board = withAnswer(withAnswer(board, 1, 11), 2, 12);
    expect(board.pending).toEqual([]);
    expect(counts(shownView(board))).toEqual([299, 0, 0]);
  });

  it('a quick add is replaced by its own event, by id: one card, counted once', () => {
    const a = task('a', 'a1');
    const draft = task('new', 'a0');
    let board = withPending(view([a]), { key: 1, taskId: draft.id, after: draft, creates: true });
    expect(titles(shownView(board))).toEqual(['new', 'a']);
    board = applyEvent(board, created(11, { ...draft, position: 'a05' })).view;
    expect(titles(shownView(board))).toEqual(['new', 'a']);
    expect(counts(shownView(board))).toEqual([2, 0, 0]);
    board = withAnswer(board, 1, 11);
    expect(board.pending).toEqual([]);
    expect(counts(shownView(board))).toEqual([2, 0, 0]);
  });

  it('a write that committed no event is dropped at its answer', () => {
    const a = task('a', 'a1');
    const board = withPending(view([a]), { key: 1, taskId: a.id, after: a, creates: false });
    expect(withAnswer(board, 1, null).pending).toEqual([]);
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
    const after = movedTask(board, c, target);
    const moved = shownView(withPending(board, { key: 1, taskId: c.id, after, creates: false }));
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
