import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  taskStatuses,
  type Project,
  type Task,
  type TaskStatus,
  type User,
} from '@taskboard/schema';
import {
  getBoardColumns,
  getTask,
  latestProjectEventId,
  listProjectEventsAfter,
  moveTask,
  runUnitOfWork,
  type TaskMove,
} from '../src/index';
import { splitPositionTies } from '../src/migrations/0002_unique_positions';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { appErrorOf, makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * A board whose cards are named by one letter each, e.g. `{ todo: 'ABC', done: 'XY' }`
 * (created in that order, so each column starts in that order).
 */
interface LetterBoard {
  owner: User;
  project: Project;
  cards: Map<string, Task>;
  /** The card named `letter`, as it was created. */
  card(letter: string): Task;
  /** The board as letters per column, read with getBoardColumns. */
  order(): Promise<Record<TaskStatus, string>>;
  /** Moves the card `letter` between the cards named in `move` (letters, not ids). */
  move(letter: string, move: LetterMove, expectedVersion?: number): Promise<Task>;
}

interface LetterMove {
  status: TaskStatus;
  after?: string;
  before?: string;
}

async function letterBoard(columns: Partial<Record<TaskStatus, string>>): Promise<LetterBoard> {
  const owner = await makeUser(handle.db, 'Owner');
  const project = await makeProject(handle.db, owner);
  const cards = new Map<string, Task>();
  for (const status of taskStatuses) {
    for (const letter of columns[status] ?? '') {
      cards.set(letter, await makeTask(handle.db, project, owner, { title: letter, status }));
    }
  }
  const card = (letter: string): Task => {
    const task = cards.get(letter);
    if (!task) throw new Error(`no card ${letter}`);
    return task;
  };
  const letters = new Map([...cards].map(([letter, task]) => [task.id, letter]));
  return {
    owner,
    project,
    cards,
    card,
    async order() {
      const board = await boardIds(project.id);
      const named = (ids: string[]) => ids.map((id) => letters.get(id) ?? '?').join('');
      return {
        todo: named(board.todo),
        'in-progress': named(board['in-progress']),
        done: named(board.done),
      };
    },
    move(letter, { status, after, before }, expectedVersion) {
      const taskMove: TaskMove = { status };
      if (after !== undefined) taskMove.afterId = card(after).id;
      if (before !== undefined) taskMove.beforeId = card(before).id;
      return move(owner, card(letter).id, taskMove, expectedVersion);
    },
  };
}

async function move(actor: User, taskId: string, taskMove: TaskMove, expectedVersion?: number) {
  const { result } = await runUnitOfWork(handle.db, actor.id, (uow) =>
    moveTask(uow, taskId, taskMove, expectedVersion),
  );
  return result;
}

/** Every column's task ids in board order. */
async function boardIds(projectId: string): Promise<Record<TaskStatus, string[]>> {
  const columns = await getBoardColumns(handle.db, projectId, 500);
  const ids: Record<TaskStatus, string[]> = { todo: [], 'in-progress': [], done: [] };
  for (const column of columns) {
    expect(column.nextCursor).toBeNull();
    expect(column.tasks).toHaveLength(column.count);
    ids[column.status] = column.tasks.map((task) => task.id);
  }
  return ids;
}

/** Everything a move could change: the project's tasks, column counts and event log. */
async function projectState(projectId: string) {
  const rows = await handle.db
    .selectFrom('tasks')
    .selectAll()
    .where('projectId', '=', projectId)
    .orderBy('id')
    .execute();
  const columns = await getBoardColumns(handle.db, projectId, 500);
  return {
    rows,
    counts: columns.map((column) => [column.status, column.count]),
    lastEventId: await latestProjectEventId(handle.db, projectId),
  };
}

async function requireTask(taskId: string): Promise<Task> {
  const task = await getTask(handle.db, taskId);
  if (!task) throw new Error(`task ${taskId} does not exist`);
  return task;
}

/** Each key sorts (byte-wise, as `collate "C"`) strictly after the one before it. */
function expectStrictlyIncreasing(keys: string[]) {
  keys.forEach((key, i) => {
    if (i > 0) expect(key > (keys[i - 1] ?? '')).toBe(true);
  });
}

/**
 * Resolves once `parties` callers wait on it (rejects after 10 s: one of them is blocked). Only
 * on PostgreSQL: there each unit of work has its own connection, while PGlite is one
 * connection and runs transactions one after another.
 */
function barrier(parties: number): () => Promise<void> {
  if (engine === 'pglite') return () => Promise.resolve();
  let waiting = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`only ${waiting} of ${parties} reached the barrier`));
    }, 10_000);
    release = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return () => {
    waiting += 1;
    if (waiting === parties) release();
    return all;
  };
}

describe(`moveTask within a column (${engine})`, () => {
  const cases: [string, string, Omit<LetterMove, 'status'>, string][] = [
    ['afterId only', 'D', { after: 'A' }, 'ADBC'],
    ['afterId only, after the last card', 'B', { after: 'D' }, 'ACDB'],
    ['beforeId only', 'A', { before: 'D' }, 'BCAD'],
    ['beforeId only, before the first card', 'C', { before: 'A' }, 'CABD'],
    ['afterId and beforeId', 'D', { after: 'A', before: 'B' }, 'ADBC'],
    ['afterId and beforeId around its own place', 'B', { after: 'A', before: 'C' }, 'ABCD'],
    ['neither: the end of the column', 'A', {}, 'BCDA'],
  ];

  it.each(cases)('%s', async (_name, letter, neighbours, expected) => {
    const board = await letterBoard({ todo: 'ABCD', done: 'XY' });
    const before = await latestProjectEventId(handle.db, board.project.id);

    const moved = await board.move(letter, { status: 'todo', ...neighbours }, 1);

    expect(await board.order()).toEqual({ todo: expected, 'in-progress': '', done: 'XY' });
    expect(moved).toEqual({
      ...board.card(letter),
      position: moved.position,
      version: 2,
      updatedAt: moved.updatedAt,
    });
    await expect(getTask(handle.db, moved.id)).resolves.toEqual(moved);
    const events = await listProjectEventsAfter(handle.db, board.project.id, before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'task.moved',
      actorId: board.owner.id,
      payload: { task: moved },
    });
  });
});

describe(`moveTask across columns (${engine})`, () => {
  const cases: [string, Omit<LetterMove, 'status'>, string][] = [
    ['afterId only', { after: 'X' }, 'XBY'],
    ['beforeId only', { before: 'X' }, 'BXY'],
    ['afterId and beforeId', { after: 'X', before: 'Y' }, 'XBY'],
    ['neither: the end of the column', {}, 'XYB'],
  ];

  it.each(cases)('%s', async (_name, neighbours, expected) => {
    const board = await letterBoard({ todo: 'ABC', done: 'XY' });

    const moved = await board.move('B', { status: 'done', ...neighbours }, 1);

    expect(moved).toMatchObject({ status: 'done', version: 2 });
    expect(await board.order()).toEqual({ todo: 'AC', 'in-progress': '', done: expected });
    const columns = await getBoardColumns(handle.db, board.project.id, 500);
    expect(columns.map((column) => column.count)).toEqual([2, 0, 3]);
  });

  it('into an empty column', async () => {
    const board = await letterBoard({ todo: 'AB' });
    await board.move('A', { status: 'in-progress' });
    await board.move('B', { status: 'in-progress', after: 'A' });
    expect(await board.order()).toEqual({ todo: '', 'in-progress': 'AB', done: '' });
  });

  it('and back again, many times, keeping every card exactly once', async () => {
    const board = await letterBoard({ todo: 'ABCDE', 'in-progress': 'FGH', done: 'IJ' });
    const statuses: TaskStatus[] = ['done', 'todo', 'in-progress'];
    for (let i = 0; i < 30; i++) {
      const letter = 'ABCDEFGHIJ'[i % 10] ?? 'A';
      await board.move(letter, { status: statuses[i % 3] ?? 'todo' });
    }
    const order = await board.order();
    const all = Object.values(order).join('').split('').sort().join('');
    expect(all).toBe('ABCDEFGHIJ');
    const columns = await getBoardColumns(handle.db, board.project.id, 500);
    expect(columns.map((column) => column.count)).toEqual(
      taskStatuses.map((status) => order[status].length),
    );
  });
});

describe(`moveTask refusals (${engine})`, () => {
  it('refuses neighbours that are not other cards of the target column (BAD_REQUEST), writing nothing', async () => {
    const board = await letterBoard({ todo: 'ABC', done: 'XY' });
    const otherProject = await makeProject(handle.db, board.owner, [], 'Other');
    const foreign = await makeTask(handle.db, otherProject, board.owner);
    const itself = board.card('B').id;
    const state = await projectState(board.project.id);
    const otherState = await projectState(otherProject.id);

    const refused: [string, TaskMove][] = [
      ['afterId is the task itself', { status: 'todo', afterId: itself }],
      ['beforeId is the task itself', { status: 'todo', beforeId: itself }],
      ['afterId in another column', { status: 'todo', afterId: board.card('X').id }],
      ['beforeId in another column', { status: 'done', beforeId: board.card('A').id }],
      ['afterId in another project', { status: 'todo', afterId: foreign.id }],
      ['beforeId in another project', { status: 'todo', beforeId: foreign.id }],
      ['afterId unknown', { status: 'todo', afterId: UNKNOWN_ID }],
      ['beforeId unknown', { status: 'done', beforeId: UNKNOWN_ID }],
      [
        'one good neighbour, one unknown',
        { status: 'todo', afterId: board.card('A').id, beforeId: UNKNOWN_ID },
      ],
      [
        'afterId after beforeId',
        { status: 'todo', afterId: board.card('C').id, beforeId: board.card('A').id },
      ],
      [
        'afterId equal to beforeId',
        { status: 'todo', afterId: board.card('A').id, beforeId: board.card('A').id },
      ],
    ];
    for (const [name, taskMove] of refused) {
      const error = await appErrorOf(move(board.owner, itself, taskMove, 1));
      expect({ name, code: error.code }).toEqual({ name, code: 'BAD_REQUEST' });
    }

    expect(await projectState(board.project.id)).toEqual(state);
    expect(await projectState(otherProject.id)).toEqual(otherState);
  });

  it('refuses a stale expectedVersion with CONFLICT and the current task, writing nothing', async () => {
    const board = await letterBoard({ todo: 'ABC' });
    const current = await board.move('C', { status: 'todo', before: 'A' }, 1);
    const state = await projectState(board.project.id);

    const error = await appErrorOf(board.move('C', { status: 'done' }, 1));

    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ task: current });
    expect(await projectState(board.project.id)).toEqual(state);
    await expect(board.move('C', { status: 'done' }, 2)).resolves.toMatchObject({ version: 3 });
  });

  it('answers NOT_FOUND for an unknown task', async () => {
    const board = await letterBoard({ todo: 'A' });
    const error = await appErrorOf(move(board.owner, UNKNOWN_ID, { status: 'todo' }));
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe(`concurrent moves (${engine})`, () => {
  it('two moves into the same gap both succeed, with keys of their own ordered by id', async () => {
    const board = await letterBoard({ todo: 'ABPQ' });
    const [p, q] = [board.card('P'), board.card('Q')];
    // On PostgreSQL both transactions have computed and written their key before either commits.
    const bothWritten = barrier(2);
    const moveIntoGap = (task: Task) =>
      runUnitOfWork(handle.db, board.owner.id, async (uow) => {
        const moved = await moveTask(
          uow,
          task.id,
          { status: 'todo', afterId: board.card('A').id, beforeId: board.card('B').id },
          1,
        );
        await bothWritten();
        return moved;
      });

    const [movedP, movedQ] = await Promise.all([moveIntoGap(p), moveIntoGap(q)]);

    expect(movedP.result.version).toBe(2);
    expect(movedQ.result.version).toBe(2);
    // The same gap gives the same key prefix; each key ends with its own task's id.
    expect(movedP.result.position).not.toBe(movedQ.result.position);
    for (const moved of [movedP.result, movedQ.result]) {
      expect(moved.position > board.card('A').position).toBe(true);
      expect(moved.position < board.card('B').position).toBe(true);
    }
    const [first, second] = p.id < q.id ? ['P', 'Q'] : ['Q', 'P'];
    const expected = { todo: `A${first}${second}B`, 'in-progress': '', done: '' };
    expect(await board.order()).toEqual(expected);
    // Deterministic: every read gives the same order.
    expect(await board.order()).toEqual(expected);
    const columns = await getBoardColumns(handle.db, board.project.id, 500);
    expect(columns.map((column) => column.count)).toEqual([4, 0, 0]);
  });

  it('a later move between two cards of one same-gap race lands between them', async () => {
    const board = await letterBoard({ todo: 'ABPQZ' });
    const gap = { status: 'todo' as const, after: 'A', before: 'B' };
    await Promise.all([board.move('P', gap), board.move('Q', gap)]);
    const [first, second] = board.card('P').id < board.card('Q').id ? ['P', 'Q'] : ['Q', 'P'];
    expect((await board.order()).todo).toBe(`A${first}${second}BZ`);

    // Between the pair: they have keys of their own, so there is room between them.
    await board.move('Z', { status: 'todo', after: first, before: second });
    expect((await board.order()).todo).toBe(`A${first}Z${second}B`);
    // Right after A, that is before the pair.
    await board.move('Z', { status: 'todo', after: 'A', before: first });
    expect((await board.order()).todo).toBe(`AZ${first}${second}B`);
    // Right before B, that is after the pair.
    await board.move('Z', { status: 'todo', before: 'B' });
    expect((await board.order()).todo).toBe(`A${first}${second}ZB`);
    // Named in the wrong order (by id), the pair is refused like any other.
    const error = await appErrorOf(
      board.move('Z', { status: 'todo', after: second, before: first }),
    );
    expect(error.code).toBe('BAD_REQUEST');

    const column = (await boardIds(board.project.id)).todo;
    const keys = await Promise.all(column.map(async (id) => (await requireTask(id)).position));
    expectStrictlyIncreasing(keys);
  });

  it('moves of two tasks from different columns into the same gap both succeed', async () => {
    const board = await letterBoard({ todo: 'AB', 'in-progress': 'P', done: 'Q' });
    const gap = { status: 'todo' as const, after: 'A', before: 'B' };

    await Promise.all([board.move('P', gap, 1), board.move('Q', gap, 1)]);

    const [first, second] = board.card('P').id < board.card('Q').id ? ['P', 'Q'] : ['Q', 'P'];
    expect(await board.order()).toEqual({
      todo: `A${first}${second}B`,
      'in-progress': '',
      done: '',
    });
    const columns = await getBoardColumns(handle.db, board.project.id, 500);
    expect(columns.map((column) => column.count)).toEqual([4, 0, 0]);
  });

  it('moves in opposite directions between two columns both succeed', async () => {
    const board = await letterBoard({ todo: 'ABCDE', done: 'VWXYZ' });
    const moves: Promise<Task>[] = [];
    for (const [todo, done] of [
      ['A', 'V'],
      ['B', 'W'],
      ['C', 'X'],
      ['D', 'Y'],
      ['E', 'Z'],
    ] as const) {
      moves.push(board.move(todo, { status: 'done' }, 1), board.move(done, { status: 'todo' }, 1));
    }

    const moved = await Promise.all(moves);

    expect(moved.map((task) => task.version)).toEqual(Array.from({ length: 10 }, () => 2));
    const order = await board.order();
    expect(order.todo.split('').sort().join('')).toBe('VWXYZ');
    expect(order.done.split('').sort().join('')).toBe('ABCDE');
    const columns = await getBoardColumns(handle.db, board.project.id, 500);
    expect(columns.map((column) => column.count)).toEqual([5, 0, 5]);
  });
});

describe(`many moves into one gap (${engine})`, () => {
  it('50 moves right after the same card keep a strict order', async () => {
    const movers = Array.from({ length: 50 }, (_, i) => String.fromCharCode(0x100 + i));
    const board = await letterBoard({ todo: 'AB', done: movers.join('') });

    // Each move lands right after A, so the last one moved comes first.
    for (const letter of movers) {
      const next = (await board.order()).todo.charAt(1);
      await board.move(letter, { status: 'todo', after: 'A', before: next });
    }

    expect((await board.order()).todo).toBe(`A${[...movers].reverse().join('')}B`);
    const keys = await Promise.all(
      (await boardIds(board.project.id)).todo.map(async (id) => (await requireTask(id)).position),
    );
    expect(new Set(keys).size).toBe(52);
    expectStrictlyIncreasing(keys);
  });

  it('50 moves right before the same card keep a strict order', async () => {
    const movers = Array.from({ length: 50 }, (_, i) => String.fromCharCode(0x100 + i));
    const board = await letterBoard({ todo: 'AB', done: movers.join('') });

    // Each move lands right before B, so they end up in the order they were moved.
    for (const letter of movers) {
      await board.move(letter, { status: 'todo', before: 'B' });
    }

    expect((await board.order()).todo).toBe(`A${movers.join('')}B`);
    const keys = await Promise.all(
      (await boardIds(board.project.id)).todo.map(async (id) => (await requireTask(id)).position),
    );
    expect(new Set(keys).size).toBe(52);
    expectStrictlyIncreasing(keys);
  });
});

describe(`moves into one gap never leave ties (${engine})`, () => {
  it('200 moves into one gap at once, then moves between and before them land exactly there', async () => {
    const movers = Array.from({ length: 200 }, (_, i) => String.fromCharCode(0x100 + i));
    const board = await letterBoard({ todo: 'AB', 'in-progress': 'XZ', done: movers.join('') });
    const gap = { status: 'todo' as const, after: 'A', before: 'B' };

    // All at once (on PostgreSQL, as many at a time as the pool has connections), all naming
    // the same neighbours: every one of them computes its key from the same two keys.
    await Promise.all(movers.map((letter) => board.move(letter, gap, 1)));

    const column = (await boardIds(board.project.id)).todo;
    expect(column).toHaveLength(202);
    const tied = column.slice(1, -1);
    // Same gap, so ordered by id (as ties always were), but every card has a key of its own.
    expect(tied).toEqual(movers.map((letter) => board.card(letter).id).sort());
    const keys = await Promise.all(column.map(async (id) => (await requireTask(id)).position));
    expect(new Set(keys).size).toBe(202);
    expectStrictlyIncreasing(keys);

    const at = (index: number) => {
      const id = tied[index];
      if (id === undefined) throw new Error(`no card ${index}`);
      return id;
    };
    const x = board.card('X').id;
    const z = board.card('Z').id;
    await move(board.owner, x, { status: 'todo', afterId: at(4), beforeId: at(5) });
    await move(board.owner, z, { status: 'todo', beforeId: at(7) });

    const expected = [
      board.card('A').id,
      ...tied.slice(0, 5),
      x,
      ...tied.slice(5, 7),
      z,
      ...tied.slice(7),
      board.card('B').id,
    ];
    expect((await boardIds(board.project.id)).todo).toEqual(expected);
    // Deterministic: every read gives the same order.
    expect((await boardIds(board.project.id)).todo).toEqual(expected);
  });
});

describe(`migration 0002 splits the ties older moves left (${engine})`, () => {
  it('keeps the order, gives every card a key of its own, and moves land between them', async () => {
    const board = await letterBoard({ todo: 'APQRSB', done: 'Z' });
    // As the old code left them: P..S share A's key ('a0', as old keys had no suffix); B's
    // key starts with it ('a0V'), so a suffix that ignored B would sort the ties after it.
    const keys: [string, string][] = [
      ['A', 'Zz'],
      ['P', 'a0'],
      ['Q', 'a0'],
      ['R', 'a0'],
      ['S', 'a0'],
      ['B', 'a0V'],
    ];
    for (const [letter, position] of keys) {
      await handle.db
        .updateTable('tasks')
        .set({ position })
        .where('id', '=', board.card(letter).id)
        .execute();
    }
    const before = (await boardIds(board.project.id)).todo;

    await splitPositionTies(handle.db);

    const after = (await boardIds(board.project.id)).todo;
    expect(after).toEqual(before);
    const positions = await Promise.all(after.map(async (id) => (await requireTask(id)).position));
    expect(new Set(positions).size).toBe(6);
    expectStrictlyIncreasing(positions);
    const order = (await board.order()).todo;
    await board.move('Z', { status: 'todo', after: order[2] ?? '', before: order[3] ?? '' });
    expect((await board.order()).todo).toBe(`${order.slice(0, 3)}Z${order.slice(3)}`);
  });
});
