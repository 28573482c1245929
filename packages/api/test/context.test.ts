import { describe, expect, it } from 'vitest';
import type { Context } from '../src/context';
import { depsOf } from '../src/deps';

// The path where a context is made by createContext and its procedures get the server's
// dependencies is every API suite's (apps/api/test: a real server, every procedure).

const request: Context = {
  auth: null,
  ip: '127.0.0.1',
  userAgent: null,
  setSessionCookie: () => undefined,
  clearSessionCookie: () => undefined,
};

describe('a context', () => {
  it('has no dependencies unless createContext made it: a procedure refuses to run on it', () => {
    expect(() => depsOf(request)).toThrow(/not made by createContext/);
    expect(() => depsOf({ ...request })).toThrow(/not made by createContext/);
  });
});
