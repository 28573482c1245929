import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { AppErrorCode } from '../src/index';
import {
  AppError,
  appErrorCodes,
  appErrorStatus,
  createTaskInputSchema,
  isAppError,
  isAppErrorCode,
  procedureErrorDataSchema,
  registerInputSchema,
  restErrorBodySchema,
  validationDetails,
} from '../src/index';
import { task } from './fixtures';

/** SPEC.md's error table, written out here so that a change to the source has to be a change to the spec. */
const specTable: [AppErrorCode, number][] = [
  ['VALIDATION_ERROR', 400],
  ['BAD_REQUEST', 400],
  ['UNAUTHORIZED', 401],
  ['INVALID_CREDENTIALS', 401],
  ['FORBIDDEN', 403],
  ['NOT_FOUND', 404],
  ['USER_EXISTS', 409],
  ['CONFLICT', 409],
  ['PAYLOAD_TOO_LARGE', 413],
  ['TOO_MANY_REQUESTS', 429],
  ['INTERNAL_SERVER_ERROR', 500],
  ['SERVICE_UNAVAILABLE', 503],
];

function issuesOf(schema: z.ZodType, input: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  return result.error.issues;
}

describe('validationDetails', () => {
  it('joins nested paths with dots, array indexes included', () => {
    const schema = z.object({ a: z.object({ b: z.array(z.string().min(2, 'Too short')) }) });
    expect(validationDetails(issuesOf(schema, { a: { b: ['ok', 'x'] } }))).toEqual({
      'a.b.1': 'Too short',
    });
    expect(validationDetails(issuesOf(schema, { a: { b: ['x'] } }))).toEqual({
      'a.b.0': 'Too short',
    });
  });

  it('keeps the first message when one path fails several checks', () => {
    const schema = z.object({
      code: z.string().min(6, 'At least 6 characters').regex(/^\d+$/, 'Digits only'),
    });
    const issues = issuesOf(schema, { code: 'ab' });
    expect(issues).toHaveLength(2);
    expect(validationDetails(issues)).toEqual({ code: 'At least 6 characters' });
  });

  it('has one entry per failing field of a real input', () => {
    const details = validationDetails(
      issuesOf(registerInputSchema, { email: 'x', name: '', password: 'short' }),
    );
    expect(Object.keys(details).sort()).toEqual(['email', 'name', 'password']);
    for (const message of Object.values(details)) expect(message).toMatch(/\S/);
  });

  it('names the root when the input itself is wrong', () => {
    expect(Object.keys(validationDetails(issuesOf(createTaskInputSchema, 'a task')))).toEqual([
      '(root)',
    ]);
  });

  it('is empty for no issues', () => {
    expect(validationDetails([])).toEqual({});
  });
});

describe('AppError', () => {
  it.each(specTable)('%s answers HTTP %i', (code, status) => {
    const error = new AppError(code, 'message');
    expect(error.httpStatus).toBe(status);
    expect(error.code).toBe(code);
  });

  it('covers exactly the codes of SPEC.md', () => {
    expect([...appErrorCodes].sort()).toEqual(specTable.map(([code]) => code).sort());
    expect(Object.keys(appErrorStatus)).toHaveLength(specTable.length);
  });

  it('is an Error with a name, a message, a cause and no details by default', () => {
    const cause = new Error('connection reset');
    const error = new AppError('NOT_FOUND', 'Task not found', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error.message).toBe('Task not found');
    expect(error.cause).toBe(cause);
    expect(error.details).toBeNull();
    expect(error.retryAfterSeconds).toBeNull();
  });

  it('carries validation details, the current task of a conflict, and Retry-After', () => {
    expect(
      new AppError('VALIDATION_ERROR', 'Invalid input', { details: { title: 'Required' } }).details,
    ).toEqual({
      title: 'Required',
    });
    expect(new AppError('CONFLICT', 'Stale version', { details: { task } }).details).toEqual({
      task,
    });
    expect(
      new AppError('TOO_MANY_REQUESTS', 'Slow down', { retryAfterSeconds: 30 }).retryAfterSeconds,
    ).toBe(30);
  });

  it('types details by code', () => {
    expectTypeOf(new AppError('CONFLICT', 'x').details).toEqualTypeOf<{
      task: typeof task;
    } | null>();
    // @ts-expect-error -- only VALIDATION_ERROR and CONFLICT carry details
    expect(new AppError('NOT_FOUND', 'x', { details: { title: 'x' } }).code).toBe('NOT_FOUND');
  });
});

describe('isAppErrorCode', () => {
  it.each(specTable.map(([code]) => code))('accepts %s', (code) => {
    expect(isAppErrorCode(code)).toBe(true);
  });

  it.each([
    'not_found',
    'NOTFOUND',
    'TIMEOUT',
    'toString',
    'hasOwnProperty',
    '__proto__',
    '',
    404,
    null,
    undefined,
    {},
  ])('rejects %j', (value) => {
    expect(isAppErrorCode(value)).toBe(false);
  });
});

describe('isAppError', () => {
  it('tells the application error from any other thrown value', () => {
    expect(isAppError(new AppError('FORBIDDEN', 'No'))).toBe(true);
    expect(isAppError(new Error('FORBIDDEN'))).toBe(false);
    expect(isAppError({ name: 'AppError', code: 'FORBIDDEN', message: 'No' })).toBe(false);
    expect(isAppError('FORBIDDEN')).toBe(false);
  });
});

describe('the error data clients read', () => {
  it('accepts each code with the details it carries, and narrows on appCode', () => {
    const conflict = procedureErrorDataSchema.parse({
      appCode: 'CONFLICT',
      httpStatus: 409,
      details: { task },
      path: 'tasks.update',
      code: 'CONFLICT',
    });
    if (conflict.appCode !== 'CONFLICT') throw new Error('expected CONFLICT');
    expect(conflict.details?.task.version).toBe(task.version);
    expect(
      procedureErrorDataSchema.parse({
        appCode: 'VALIDATION_ERROR',
        httpStatus: 400,
        details: { title: 'Too long' },
        path: null,
        code: 'BAD_REQUEST',
      }).details,
    ).toEqual({ title: 'Too long' });
    expect(
      procedureErrorDataSchema.safeParse({
        appCode: 'NOT_FOUND',
        httpStatus: 404,
        details: null,
        path: 'projects.get',
        code: 'NOT_FOUND',
      }).success,
    ).toBe(true);
  });

  it('refuses data that is not the contract', () => {
    const refused = [
      { appCode: 'NOPE', httpStatus: 400, details: null, path: null, code: 'BAD_REQUEST' },
      {
        appCode: 'CONFLICT',
        httpStatus: 409,
        details: { task: { id: 'x' } },
        path: null,
        code: 'CONFLICT',
      },
      {
        appCode: 'VALIDATION_ERROR',
        httpStatus: 400,
        details: { title: 1 },
        path: null,
        code: 'BAD_REQUEST',
      },
      {
        appCode: 'FORBIDDEN',
        httpStatus: 403,
        details: { why: 'x' },
        path: null,
        code: 'FORBIDDEN',
      },
      { appCode: 'FORBIDDEN', httpStatus: 403, details: null, code: 'FORBIDDEN' },
      { appCode: 'FORBIDDEN', httpStatus: 403, details: null, path: null },
    ];
    for (const data of refused) {
      expect(procedureErrorDataSchema.safeParse(data).success, JSON.stringify(data)).toBe(false);
    }
  });

  it('describes the REST error body', () => {
    const body = {
      error: {
        code: 'CONFLICT',
        message: 'Stale',
        details: { task },
        timestamp: '2026-12-01T12:00:00.000Z',
        path: '/api/v1/project-management/tasks/1',
      },
    };
    expect(restErrorBodySchema.parse(body)).toEqual(body);
    expect(restErrorBodySchema.safeParse({ error: { ...body.error, code: 'OOPS' } }).success).toBe(
      false,
    );
  });
});
