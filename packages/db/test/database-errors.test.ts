// Which database failures mean "unavailable, retry" (answered 503 SERVICE_UNAVAILABLE) rather
// than a fault of the statement: the errors the engines really raise, and the SQLSTATEs of
// the conditions no test here can cause (a full disk, a server starting up).
import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, isDatabaseUnavailable } from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the statement to fail');
    },
    (error: unknown) => error,
  );
}

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

describe(`isDatabaseUnavailable (${engine})`, () => {
  it('a statement the database refuses is not an outage', async () => {
    const syntax = await failureOf(sql`selec 1`.execute(handle.db));
    const missing = await failureOf(sql`select * from no_such_table`.execute(handle.db));
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    expect(isDatabaseUnavailable(missing)).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
  });

  it('a PostgreSQL server that is not there is', async () => {
    const port = await closedPort();
    const absent = createDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/none` });
    try {
      const error = await failureOf(sql`select 1`.execute(absent.db));
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await absent.close();
    }
  });

  it('a closed embedded database is', async () => {
    const embedded = createDatabase({ dataDir: 'memory://' });
    await sql`select 1`.execute(embedded.db);
    await embedded.close();
    const error = await failureOf(sql`select 1`.execute(embedded.db));
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['08006', 'connection failure'],
    ['08001', 'unable to connect'],
    ['53100', 'disk full'],
    ['53200', 'out of memory'],
    ['53300', 'too many connections'],
    ['57P01', 'terminated by an administrator'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now (starting up, shutting down)'],
  ])('SQLSTATE %s (%s) is, also as the cause of another error', (code, _meaning) => {
    const error = Object.assign(new Error('server said no'), { code });
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: error }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([error], 'several'))).toBe(true);
  });

  it.each([['23505'], ['40001'], ['22021'], ['57014']])('SQLSTATE %s is not', (code) => {
    expect(isDatabaseUnavailable(Object.assign(new Error('refused'), { code }))).toBe(false);
  });
});
