import { describe, expect, it } from 'vitest';
import {
  createTaskInputSchema,
  listTasksInputSchema,
  moveTaskInputSchema,
  taskDescriptionSchema,
  taskPriorities,
  taskSchema,
  taskStatuses,
  taskTitleSchema,
  timestampInputSchema,
  updateTaskInputSchema,
} from '../src/index';
import { ids, rejectedPaths, task } from './fixtures';

describe('task title', () => {
  it.each([
    ['a plain title', 'Calibrate the extruder', 'Calibrate the extruder'],
    ['surrounding spaces', '  Calibrate  ', 'Calibrate'],
    ['200 characters', 't'.repeat(200), 't'.repeat(200)],
    ['200 characters once trimmed', `\t${'t'.repeat(200)}\n`, 't'.repeat(200)],
  ])('accepts %s', (_case, input, expected) => {
    expect(taskTitleSchema.parse(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['a space', ' '],
    ['whitespace only', '   \t\n'],
    ['201 characters', 't'.repeat(201)],
  ])('rejects %s', (_case, input) => {
    expect(taskTitleSchema.safeParse(input).success).toBe(false);
  });
});

describe('task description', () => {
  it('allows up to 1000 characters, trimmed', () => {
    expect(taskDescriptionSchema.parse(` ${'d'.repeat(1000)} `)).toBe('d'.repeat(1000));
    expect(taskDescriptionSchema.parse('')).toBe('');
    expect(taskDescriptionSchema.safeParse('d'.repeat(1001)).success).toBe(false);
  });
});

describe('createTaskInputSchema', () => {
  it('fills the defaults of SPEC.md and leaves projectId absent (the Inbox)', () => {
    const input = createTaskInputSchema.parse({ title: ' Level the bed ' });
    expect(input).toEqual({
      title: 'Level the bed',
      description: '',
      status: 'todo',
      priority: 'medium',
      assigneeId: null,
      dueDate: null,
      placement: 'bottom',
    });
    expect(input).not.toHaveProperty('projectId');
  });

  it('takes placement top or bottom, nothing else', () => {
    expect(createTaskInputSchema.parse({ title: 'x', placement: 'top' }).placement).toBe('top');
    expect(rejectedPaths(createTaskInputSchema, { title: 'x', placement: 'middle' })).toEqual([
      'placement',
    ]);
  });

  it('takes a client-chosen UUID as the id', () => {
    const id = '0b7d1c52-8f0e-4d8a-9d8e-5a4b3c2d1e0f';
    expect(createTaskInputSchema.parse({ id, title: 'x' }).id).toBe(id);
  });

  it.each(['', 'task-1', '0b7d1c52-8f0e-4d8a-9d8e-5a4b3c2d1e0f0', 'x'.repeat(5000), 42])(
    'refuses the client id %j under its field path',
    (id) => {
      expect(rejectedPaths(createTaskInputSchema, { id, title: 'x' })).toEqual(['id']);
    },
  );

  it('rejects a whitespace-only title under its field path', () => {
    expect(rejectedPaths(createTaskInputSchema, { title: '    ' })).toEqual(['title']);
  });

  it.each([
    ['status', 'doing'],
    ['status', 'DONE'],
    ['status', 'in_progress'],
    ['priority', 'urgent'],
    ['priority', 'High'],
    ['projectId', 'not-a-uuid'],
    ['assigneeId', 'not-a-uuid'],
  ])('rejects %s %j', (field, value) => {
    expect(rejectedPaths(createTaskInputSchema, { title: 'x', [field]: value })).toEqual([field]);
  });

  it.each(taskStatuses.flatMap((status) => taskPriorities.map((priority) => [status, priority])))(
    'accepts status %s with priority %s',
    (status, priority) => {
      expect(createTaskInputSchema.parse({ title: 'x', status, priority })).toMatchObject({
        status,
        priority,
      });
    },
  );
});

describe('dueDate', () => {
  it.each([
    ['2026-03-01T09:00:00Z', '2026-03-01T09:00:00.000Z'],
    ['2026-03-01T14:30:00+05:30', '2026-03-01T09:00:00.000Z'],
    ['2026-02-28T23:00:00-10:00', '2026-03-01T09:00:00.000Z'],
    ['2026-03-01T09:00:00.123456+00:00', '2026-03-01T09:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('normalises %s to UTC %s', (input, expected) => {
    expect(timestampInputSchema.parse(input)).toBe(expected);
    expect(createTaskInputSchema.parse({ title: 'x', dueDate: input }).dueDate).toBe(expected);
  });

  it.each([
    ['no offset', '2026-03-01T09:00:00'],
    ['a date only', '2026-03-01'],
    ['a day that does not exist', '2026-02-29T09:00:00Z'],
    ['an hour out of range', '2026-03-01T24:00:00Z'],
    ['prose', 'next Tuesday'],
    ['a number', 1_772_355_600_000],
    ['a year past 9999 once normalised', '9999-12-31T23:00:00-02:00'],
  ])('rejects %s (%j)', (_case, dueDate) => {
    expect(rejectedPaths(createTaskInputSchema, { title: 'x', dueDate })).toEqual(['dueDate']);
  });

  it('can be cleared with null on update', () => {
    expect(updateTaskInputSchema.parse({ id: ids.task, dueDate: null })).toEqual({
      id: ids.task,
      dueDate: null,
    });
  });
});

describe('updateTaskInputSchema', () => {
  it('adds no defaults: a field left out is not changed', () => {
    expect(updateTaskInputSchema.parse({ id: ids.task, title: ' New title ' })).toEqual({
      id: ids.task,
      title: 'New title',
    });
  });

  it('unassigns with null', () => {
    expect(updateTaskInputSchema.parse({ id: ids.task, assigneeId: null })).toEqual({
      id: ids.task,
      assigneeId: null,
    });
  });

  it.each([0, -1, 1.5, '1'])('rejects expectedVersion %j', (expectedVersion) => {
    expect(rejectedPaths(updateTaskInputSchema, { id: ids.task, expectedVersion })).toEqual([
      'expectedVersion',
    ]);
  });

  it('rejects a whitespace-only title rather than blanking the task', () => {
    expect(rejectedPaths(updateTaskInputSchema, { id: ids.task, title: ' ' })).toEqual(['title']);
  });
});

describe('moveTaskInputSchema', () => {
  it.each([
    [{}, 'the end of the column'],
    [{ afterId: ids.task }, 'after a neighbour'],
    [{ beforeId: ids.task, afterId: null }, 'before a neighbour'],
  ])('accepts %j (%s)', (neighbours, _placement) => {
    expect(
      moveTaskInputSchema.safeParse({ id: ids.task, status: 'done', ...neighbours }).success,
    ).toBe(true);
  });

  it('needs a target column and well-formed neighbour ids', () => {
    expect(rejectedPaths(moveTaskInputSchema, { id: ids.task, afterId: 'first' }).sort()).toEqual([
      'afterId',
      'status',
    ]);
  });
});

describe('listTasksInputSchema', () => {
  it('defaults to page 1 of 20, by position ascending', () => {
    expect(listTasksInputSchema.parse({})).toEqual({
      page: 1,
      limit: 20,
      sort: 'position',
      order: 'asc',
    });
  });

  it.each([
    [1, true],
    [100, true],
    [0, false],
    [101, false],
    [20.5, false],
    [-1, false],
  ])('limit %j is accepted: %s', (limit, accepted) => {
    expect(listTasksInputSchema.safeParse({ limit }).success).toBe(accepted);
  });

  it.each([0, -1, 1.5])('rejects page %j', (page) => {
    expect(rejectedPaths(listTasksInputSchema, { page })).toEqual(['page']);
  });

  it('trims a search of at most 100 characters', () => {
    expect(listTasksInputSchema.parse({ search: '  nozzle  ' }).search).toBe('nozzle');
    expect(listTasksInputSchema.parse({ search: ` ${'s'.repeat(100)} ` }).search).toBe(
      's'.repeat(100),
    );
    expect(rejectedPaths(listTasksInputSchema, { search: 's'.repeat(101) })).toEqual(['search']);
  });

  it.each([
    ['sort', 'title'],
    ['sort', 'position; drop table tasks'],
    ['order', 'ascending'],
    ['order', 'DESC'],
    ['status', 'archived'],
    ['priority', 'critical'],
  ])('rejects %s %j', (field, value) => {
    expect(rejectedPaths(listTasksInputSchema, { [field]: value })).toEqual([field]);
  });

  it.each(['position', 'createdAt', 'dueDate', 'priority'])('sorts by %s', (sort) => {
    expect(listTasksInputSchema.parse({ sort, order: 'desc' })).toMatchObject({
      sort,
      order: 'desc',
    });
  });
});

describe('taskSchema', () => {
  it('accepts a task as the data layer emits it', () => {
    expect(taskSchema.parse(task)).toEqual(task);
  });

  it('rejects a version below 1', () => {
    expect(rejectedPaths(taskSchema, { ...task, version: 0 })).toEqual(['version']);
  });
});
