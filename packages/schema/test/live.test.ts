import { describe, expect, it } from 'vitest';
import {
  boardColumnInputSchema,
  connectionParamsSchema,
  LIMITS,
  lastEventIdSchema,
  revokeSessionInputSchema,
} from '../src/index';
import { ids } from './fixtures';

describe('the stray limits, now in LIMITS', () => {
  it('takes an event id as a number or as the string tRPC resends, up to 15 digits', () => {
    expect(lastEventIdSchema.parse(42)).toBe(42);
    expect(lastEventIdSchema.parse('42')).toBe(42);
    expect(lastEventIdSchema.parse('9'.repeat(LIMITS.eventIdDigitsMax))).toBe(999_999_999_999_999);
    expect(lastEventIdSchema.safeParse('9'.repeat(LIMITS.eventIdDigitsMax + 1)).success).toBe(
      false,
    );
    expect(lastEventIdSchema.safeParse('-1').success).toBe(false);
    expect(lastEventIdSchema.safeParse('1e3').success).toBe(false);
    expect(lastEventIdSchema.parse(undefined)).toBeUndefined();
  });

  it('caps a connection-params token, a session id and a board cursor', () => {
    const token = 'a'.repeat(LIMITS.sessionTokenMax);
    expect(connectionParamsSchema.parse({ token })).toEqual({ token });
    expect(connectionParamsSchema.safeParse({ token: `${token}a` }).success).toBe(false);
    expect(connectionParamsSchema.parse(null)).toBeNull();

    const id = 'f'.repeat(LIMITS.sessionIdMax);
    expect(revokeSessionInputSchema.parse({ id })).toEqual({ id });
    expect(revokeSessionInputSchema.safeParse({ id: `${id}f` }).success).toBe(false);
    expect(revokeSessionInputSchema.safeParse({ id: '' }).success).toBe(false);

    const column = { projectId: ids.project, status: 'todo' };
    const cursor = 'c'.repeat(LIMITS.boardCursorMax);
    expect(boardColumnInputSchema.safeParse({ ...column, cursor }).success).toBe(true);
    expect(boardColumnInputSchema.safeParse({ ...column, cursor: `${cursor}c` }).success).toBe(
      false,
    );
  });
});
