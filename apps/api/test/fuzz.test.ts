// Property-based fuzzing of every query and mutation of the router, through the real HTTP
// client, as a signed-in editor of a project with tasks (SPEC.md "Errors": a bad input never
// changes data, never crashes the process and never returns a 500).
//
// Inputs are built from each procedure's own input schema (the Zod object the router
// validates with, from @taskboard/schema): for every field of its shape, a mix of plausible
// values (ids of real rows, enum members, in-range numbers, real cursors) and hostile ones
// (fc.anything(), strings at and past their limits, unicode, NUL and lone surrogates, huge,
// negative and fractional numbers, NaN, null, wrong types, extra keys, random uuids).
//
// Checked for every call: no 5xx and no INTERNAL_SERVER_ERROR; an error is in the contract
// (appCode, its HTTP status, the procedure path); a rejected call and any query leave every
// table as it was (fingerprint before and after); /healthz keeps answering.
//
// FUZZ_SEED=<n> replays a run; FUZZ_STATS=1 prints the outcomes per procedure.
import { createTRPCUntypedClient, httpLink, TRPCClientError } from '@trpc/client';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { appErrorStatus, isAppErrorCode, LIMITS } from '@taskboard/schema';
import { TEST_PASSWORD } from '@taskboard/test-kit';
import { appRouter } from '@taskboard/api/host';
import {
  client,
  createTestDatabase,
  engine,
  signUp,
  startServer,
  type TestServer,
} from './support/server';

const RUNS_PER_PROCEDURE = 100;
/** Successful registrations cost an argon2 hash each. */
const RUNS_OVERRIDES: Record<string, number> = { 'auth.register': 60 };
/**
 * Run last, in this order: they remove what the others use (tasks, projects, the caller's
 * membership, sessions).
 */
const DESTRUCTIVE = [
  'tasks.delete',
  'projects.delete',
  'auth.revokeSession',
  'auth.logout',
  'auth.logoutAll',
  'members.remove',
];
/** Procedures that must have succeeded at least once, or the fuzz never got past validation. */
const MUST_REACH = [
  'projects.get',
  'members.list',
  'tasks.list',
  'tasks.get',
  'tasks.create',
  'tasks.update',
  'tasks.move',
  'board.get',
  'board.column',
];

const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

// ---------------------------------------------------------------------------------------
// The procedures and their input schemas, read from the router itself.

type ProcedureType = 'query' | 'mutation';

interface Procedure {
  path: string;
  type: ProcedureType;
  /** The object schema of the input, when the input is one (possibly behind a default). */
  fields: [string, z.core.$ZodType][] | null;
  /** Whether the procedure takes an input at all. */
  hasInput: boolean;
}

const procedureDefSchema = z.object({
  type: z.enum(['query', 'mutation', 'subscription']),
  inputs: z.array(z.unknown()),
});

function listProcedures(): Procedure[] {
  const record: Record<string, unknown> = appRouter._def.procedures;
  const procedures: Procedure[] = [];
  for (const [path, procedure] of Object.entries(record)) {
    if (typeof procedure !== 'function' || !('_def' in procedure)) continue;
    const def = procedureDefSchema.parse(procedure._def);
    if (def.type === 'subscription') continue;
    const [input] = def.inputs;
    const base = input instanceof z.core.$ZodType ? baseOf(input) : null;
    procedures.push({
      path,
      type: def.type,
      hasInput: input !== undefined,
      fields: base instanceof z.ZodObject ? Object.entries(base.shape) : null,
    });
  }
  const rank = (path: string) => DESTRUCTIVE.indexOf(path);
  return procedures.sort((a, b) => rank(a.path) - rank(b.path));
}

/** The schema under optional / nullable / default wrappers and transforms (their input side). */
function baseOf(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.in;
    } else {
      break;
    }
  }
  return current;
}

/** Whether the field may be left out (it accepts undefined: optional, or with a default). */
function isOptionalField(schema: z.core.$ZodType): boolean {
  return z.safeParse(schema, undefined).success;
}

function isNullableField(schema: z.core.$ZodType): boolean {
  return z.safeParse(schema, null).success;
}

// ---------------------------------------------------------------------------------------
// Arbitraries.

/** Rows of the seeded database that inputs refer to. */
interface Pools {
  projectIds: string[];
  taskIds: string[];
  userIds: string[];
  emails: string[];
  cursors: string[];
  sessionIds: string[];
}

/** Any JSON-able garbage: objects, arrays, strings of any code points, numbers, null. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 4, stringUnit: 'binary' }),
  fc.constantFrom(null, true, false, 0, -1, '', [], {}, [null], { 0: 1 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
);

const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(), // includes NaN, ±Infinity and -0 (which JSON turns into null and 0)
  fc.constantFrom(
    0,
    -1,
    0.5,
    1.5,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    1e21,
    1e308,
    -1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '1',
    '01',
    '1e3',
    '',
    '0x10',
  ),
);

function intAround(min: number, max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer({ min: min - 2, max: min + 3 }),
    fc.integer({ min: max - 2, max: max + 2 }),
    hostileNumber,
  );
}

/** Strings at, around and far past a length limit, and characters that break naive code. */
function hostileText(max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }), // control characters, NUL, astral planes
    fc.integer({ min: Math.max(0, max - 2), max: max + 2 }).map((n) => 'ä'.repeat(n)),
    fc.integer({ min: Math.max(0, max - 2), max: max + 2 }).map((n) => '😀'.repeat(n)),
    fc.integer({ min: 0, max: max + 2 }).map((n) => `${' '.repeat(n)}x `),
    fc.constantFrom(
      '',
      ' ',
      ' \t\n\r ',
      '\u0000',
      `a\u0000b`,
      '\ud800',
      'x\udfffy',
      '\u202e\u200b',
      '%',
      '_',
      '\\',
      "'; drop table tasks; --",
      '<img src=x onerror=alert(1)>',
      '${jndi:ldap://x}',
      'x'.repeat(max * 5 + 1),
    ),
  );
}

function uuidLike(pool: string[]): fc.Arbitrary<unknown> {
  const first = pool[0] ?? '00000000-0000-4000-8000-000000000000';
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pool) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...pool).map((id) => id.toUpperCase()) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        'not-a-uuid',
        '',
        `${first} `,
        `${first}0`,
        first.replaceAll('-', ''),
        `{${first}}`,
      ),
    },
  );
}

const dateString = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());

const hostileDate: fc.Arbitrary<unknown> = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), // years -271821…275760
  fc.constantFrom(
    '9999-12-31T23:59:59-01:00',
    '9999-12-31T23:59:59.999+14:00',
    '0000-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01',
    '2026-01-01T00:00:00',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00.123456789Z',
    '+275760-09-13T00:00:00Z',
    'tomorrow',
    1_767_225_600_000,
  ),
);

function emailLike(pool: string[]): {
  plausible: fc.Arbitrary<unknown>;
  hostile: fc.Arbitrary<unknown>;
} {
  return {
    plausible: fc.oneof(
      fc.constantFrom(...pool),
      fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/).map((local) => `${local}@example.com`),
      fc.emailAddress(),
    ),
    hostile: fc.oneof(
      fc.constantFrom(...pool).map((email) => ` ${email.toUpperCase()} `),
      fc.constantFrom(
        '',
        'a@b',
        'x@y..z',
        '@example.com',
        'a@',
        'ü@例え.jp',
        'a\u0000@example.com',
      ),
      fc.integer({ min: 240, max: 260 }).map((n) => `${'a'.repeat(n)}@example.com`),
      hostileText(LIMITS.emailMax),
    ),
  };
}

/** Cursors: real ones, and forged ones that decode to something of the right and wrong shape. */
function cursorLike(pool: string[]): {
  plausible: fc.Arbitrary<unknown>;
  hostile: fc.Arbitrary<unknown>;
} {
  const encode = (value: unknown) =>
    Buffer.from(JSON.stringify(value === undefined ? null : value)).toString('base64url');
  return {
    plausible: fc.constantFrom(...pool),
    hostile: fc.oneof(
      fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.uuid()).map(encode),
      fc.tuple(hostileText(50), junk).map(encode),
      junk.map(encode),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 999, max: 1002 }).map((n) => 'A'.repeat(n)),
    ),
  };
}

/** Plausible (mostly valid) and hostile values of one field, chosen by its name and schema. */
function fieldArbitraries(
  path: string,
  name: string,
  schema: z.core.$ZodType,
  pools: Pools,
): { plausible: fc.Arbitrary<unknown>; hostile: fc.Arbitrary<unknown> } {
  const base = baseOf(schema);
  const withNull = (arbitrary: fc.Arbitrary<unknown>) =>
    isNullableField(schema) ? fc.oneof({ weight: 4, arbitrary }, fc.constant(null)) : arbitrary;

  const ids = (pool: string[]) => ({
    plausible: withNull(fc.constantFrom(...pool)),
    hostile: uuidLike(pool),
  });
  switch (name) {
    case 'id': {
      if (path.startsWith('auth.')) {
        return {
          plausible: fc.constantFrom(...pools.sessionIds),
          hostile: fc.oneof(
            hostileText(128),
            fc.string({
              unit: fc.nat({ max: 15 }).map((n) => n.toString(16)),
              minLength: 64,
              maxLength: 64,
            }),
          ),
        };
      }
      const pool = path.startsWith('projects.') ? pools.projectIds : pools.taskIds;
      return ids(pool);
    }
    case 'projectId':
      return ids(pools.projectIds);
    case 'userId':
    case 'assigneeId':
      return ids(pools.userIds);
    case 'afterId':
    case 'beforeId':
      return ids(pools.taskIds);
    case 'email':
      return emailLike(pools.emails);
    case 'password':
      return {
        plausible: fc.constantFrom(
          TEST_PASSWORD,
          'another long passphrase 42',
          'printer-demo-2026',
        ),
        hostile: fc.oneof(
          hostileText(LIMITS.passwordMax),
          fc.constantFrom('password', 'PASSWORD1', '12345678', 'short'),
        ),
      };
    case 'cursor':
      return cursorLike(pools.cursors);
    case 'dueDate':
      return { plausible: withNull(dateString), hostile: hostileDate };
    default:
      break;
  }
  if (base instanceof z.ZodEnum) {
    const options = base.options.map(String);
    return {
      plausible: fc.constantFrom(...options),
      hostile: fc.oneof(
        fc.constantFrom(...options).map((option) => option.toUpperCase()),
        fc.constantFrom(...options).map((option) => ` ${option}`),
        fc.constantFrom(
          '',
          'todo',
          'done',
          'owner',
          'admin',
          'archived',
          'asc',
          'position',
          'null',
        ),
      ),
    };
  }
  if (base instanceof z.ZodNumber) {
    const min = base.minValue ?? 0;
    const max = Math.min(base.maxValue ?? 1000, 1000);
    return {
      plausible: fc.integer({ min, max: Math.min(max, min + 5) }),
      hostile: intAround(min, max),
    };
  }
  if (base instanceof z.ZodBoolean) {
    return {
      plausible: fc.boolean(),
      hostile: fc.constantFrom('true', 'false', 0, 1, null, 'yes'),
    };
  }
  if (base instanceof z.ZodString) {
    const max = base.maxLength ?? 1000;
    return {
      plausible: withNull(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 30) }),
      ),
      hostile: hostileText(max),
    };
  }
  return { plausible: junk, hostile: junk };
}

/** The input of one call: a record over the schema's fields, or anything at all. */
function inputArbitrary(procedure: Procedure, pools: Pools): fc.Arbitrary<unknown> {
  const { fields } = procedure;
  if (!fields) return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, junk);
  const plausible: Record<string, fc.Arbitrary<unknown>> = {};
  const mixed: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const [name, schema] of fields) {
    const field = fieldArbitraries(procedure.path, name, schema, pools);
    plausible[name] = field.plausible;
    mixed[name] = fc.oneof(
      { weight: 3, arbitrary: field.plausible },
      { weight: 2, arbitrary: field.hostile },
      { weight: 1, arbitrary: junk },
    );
    if (!isOptionalField(schema)) required.push(name);
  }
  const extraKeys = fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('__proto__', 'constructor', 'role', 'version'),
    ),
    junk,
    { maxKeys: 3 },
  );
  const requiredOnly = Object.fromEntries(
    Object.entries(plausible).filter(([name]) => required.includes(name)),
  );
  return fc.oneof(
    // Valid-looking: every required field present and plausible (reaches the domain code).
    { weight: 2, arbitrary: fc.record(requiredOnly, { requiredKeys: required }) },
    { weight: 3, arbitrary: fc.record(plausible, { requiredKeys: required }) },
    { weight: 4, arbitrary: fc.record(mixed, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record(mixed, { requiredKeys: required }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.record(mixed, { requiredKeys: [] }), extraKeys)
        .map(([known, extra]) => ({ ...extra, ...known })),
    },
    { weight: 1, arbitrary: junk },
  );
}

// ---------------------------------------------------------------------------------------
// Calling, and what must hold.

const errorDataSchema = z.object({
  appCode: z.string(),
  httpStatus: z.number(),
  details: z.unknown(),
  path: z.string().nullable(),
});

type Outcome = { ok: true } | { ok: false; status: number; appCode: string };

function untypedClient(target: { url: string }, token: string | null) {
  return createTRPCUntypedClient({
    links: [
      httpLink({
        url: `${target.url}/trpc`,
        headers: () => (token === null ? {} : { authorization: `Bearer ${token}` }),
      }),
    ],
  });
}

async function call(
  target: { url: string },
  procedure: Procedure,
  input: unknown,
  token: string | null,
): Promise<Outcome> {
  const api = untypedClient(target, token);
  try {
    if (procedure.type === 'query') await api.query(procedure.path, input);
    else await api.mutation(procedure.path, input);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const response: unknown = error.meta?.response;
    if (!(response instanceof Response)) {
      throw new Error(`no HTTP response for ${procedure.path}: ${error.message}`, { cause: error });
    }
    const data: unknown = error.data;
    const parsed = errorDataSchema.safeParse(data);
    if (!parsed.success) {
      // Not a tRPC body: only acceptable from the HTTP layer refusing the request itself.
      expect(response.status, `${procedure.path}: ${error.message}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${procedure.path}: ${error.message}`).toBeLessThan(500);
      return { ok: false, status: response.status, appCode: `HTTP ${response.status}` };
    }
    const { appCode, httpStatus, path } = parsed.data;
    const what = `${procedure.path} → ${appCode} (${error.message})`;
    expect(appCode, what).not.toBe('INTERNAL_SERVER_ERROR');
    expect(response.status, what).toBeLessThan(500);
    if (!isAppErrorCode(appCode)) throw new Error(`unknown appCode: ${what}`);
    expect(httpStatus, what).toBe(appErrorStatus[appCode]);
    expect(response.status, what).toBe(httpStatus);
    expect(path, what).toBe(procedure.path);
    return { ok: false, status: response.status, appCode };
  }
}

// ---------------------------------------------------------------------------------------

let database: DisposableDatabase;
let server: TestServer;
let pools: Pools;
/** The fuzzing user: editor of the shared project, viewer of another, owner of its Inbox. */
let fuzzToken: string;
/** Sessions `auth.logout` and `auth.logoutAll` may end: of users of their own, one each. */
const leaverTokens = new Map<string, string[]>();
const stats = new Map<string, Map<string, number>>();
let calls = 0;

/** Every table a call could write, as one string (users include last sign-in, sessions their count). */
async function fingerprint(): Promise<string> {
  const { rows } = await sql<{ fingerprint: string }>`
    select concat_ws(' ',
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from users t),
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from projects t),
      (select md5(coalesce(string_agg(t::text, '|' order by t.project_id, t.user_id), '')) from project_members t),
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from tasks t),
      (select md5(coalesce(string_agg(t::text, '|' order by t.project_id, t.status), '')) from project_task_counts t),
      (select count(*) || '/' || coalesce(max(id)::text, '-') from project_events),
      (select count(*) from sessions)
    ) as fingerprint`.execute(database.db);
  return rows[0]?.fingerprint ?? '';
}

async function expectServing() {
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);

  const owner = await signUp(server, 'Owner');
  const fuzzer = await signUp(server, 'Fuzzer');
  const stranger = await signUp(server, 'Stranger');
  const leaver = await signUp(server, 'Leaver');
  const quitter = await signUp(server, 'Quitter');
  fuzzToken = fuzzer.token;

  const shared = await owner.api.projects.create.mutate({ name: 'Shared', description: 'fuzzed' });
  const watched = await owner.api.projects.create.mutate({ name: 'Watched' });
  const frozen = await owner.api.projects.create.mutate({ name: 'Frozen' });
  const hidden = await stranger.api.projects.create.mutate({ name: 'Hidden' });
  await owner.api.members.add.mutate({ projectId: shared.id, email: fuzzer.email, role: 'editor' });
  await owner.api.members.add.mutate({
    projectId: shared.id,
    email: stranger.email,
    role: 'viewer',
  });
  await owner.api.members.add.mutate({
    projectId: watched.id,
    email: fuzzer.email,
    role: 'viewer',
  });
  await owner.api.members.add.mutate({ projectId: frozen.id, email: fuzzer.email, role: 'editor' });

  const statuses = ['todo', 'in-progress', 'done'] as const;
  const taskIds: string[] = [];
  for (let i = 0; i < 12; i += 1) {
    const author = i % 2 === 0 ? owner.api : fuzzer.api;
    const task = await author.tasks.create.mutate({
      projectId: shared.id,
      title: `Shared task ${i}`,
      status: statuses[i % 3] ?? 'todo',
      assigneeId: i % 4 === 0 ? fuzzer.user.id : null,
    });
    taskIds.push(task.id);
  }
  for (const [api, projectId] of [
    [owner.api, watched.id],
    [owner.api, frozen.id],
    [stranger.api, hidden.id],
    [fuzzer.api, undefined],
  ] as const) {
    const task = await api.tasks.create.mutate({
      title: 'Elsewhere',
      ...(projectId && { projectId }),
    });
    taskIds.push(task.id);
  }
  await owner.api.projects.archive.mutate({ id: frozen.id });

  const board = await fuzzer.api.board.get.query({ projectId: shared.id, limit: 1 });
  const cursors = board.columns.flatMap((column) => (column.nextCursor ? [column.nextCursor] : []));
  const fuzzerInbox = (await fuzzer.api.projects.list.query()).find((project) => project.isInbox);

  // A spare session of the fuzzing user (auth.revokeSession may end it), and the sessions
  // that logout (the leaver's) and logoutAll (the quitter's) may end.
  const signIn = (email: string) =>
    client(server).auth.login.mutate({ email, password: TEST_PASSWORD });
  const spare = await signIn(fuzzer.email);
  leaverTokens.set('auth.logout', [leaver.token, (await signIn(leaver.email)).token]);
  leaverTokens.set('auth.logoutAll', [quitter.token, (await signIn(quitter.email)).token]);
  const fuzzerSessions = await fuzzer.api.auth.sessions.query();
  const ownerSessions = await owner.api.auth.sessions.query();

  pools = {
    projectIds: [
      shared.id,
      watched.id,
      frozen.id,
      hidden.id,
      ...(fuzzerInbox ? [fuzzerInbox.id] : []),
    ],
    taskIds,
    userIds: [owner.user.id, fuzzer.user.id, stranger.user.id, leaver.user.id, quitter.user.id],
    emails: [owner.email, fuzzer.email, stranger.email, leaver.email, quitter.email],
    cursors,
    sessionIds: [
      ...fuzzerSessions.filter((session) => !session.current).map((session) => session.id),
      ...ownerSessions.map((session) => session.id),
    ],
  };
  expect(cursors.length).toBeGreaterThan(0);
  expect(pools.sessionIds.length).toBeGreaterThan(1);
  expect(spare.token).not.toBe(fuzzToken);
});

afterAll(async () => {
  if (process.env.FUZZ_STATS) {
    for (const [path, outcomes] of stats) {
      console.log(
        `${engine} ${path}: ${[...outcomes].map(([key, count]) => `${key} ${count}`).join(', ')}`,
      );
    }
  }
  await server.close();
  await database.dispose();
});

describe(`fuzzing every procedure over HTTP (${engine})`, () => {
  const procedures = listProcedures();

  it('covers every query and mutation of the router', () => {
    expect(procedures.map((procedure) => procedure.path).sort()).toEqual(
      [
        'auth.register',
        'auth.login',
        'auth.logout',
        'auth.logoutAll',
        'auth.me',
        'auth.sessions',
        'auth.revokeSession',
        'projects.list',
        'projects.get',
        'projects.create',
        'projects.update',
        'projects.archive',
        'projects.delete',
        'members.list',
        'members.add',
        'members.updateRole',
        'members.remove',
        'tasks.list',
        'tasks.get',
        'tasks.create',
        'tasks.update',
        'tasks.move',
        'tasks.delete',
        'board.get',
        'board.column',
      ].sort(),
    );
    for (const procedure of procedures) {
      if (procedure.hasInput) expect(procedure.fields, procedure.path).not.toBeNull();
    }
  });

  for (const procedure of listProcedures()) {
    const numRuns = RUNS_OVERRIDES[procedure.path] ?? RUNS_PER_PROCEDURE;
    // logout and logoutAll end the caller's sessions: they run as a user of their own, or
    // with made-up tokens.
    const endsSessions = procedure.path === 'auth.logout' || procedure.path === 'auth.logoutAll';

    it(`${procedure.path}: ${numRuns} random inputs, no 500, rejected calls write nothing`, async () => {
      const outcomes = new Map<string, number>();
      stats.set(procedure.path, outcomes);
      const ownTokens = leaverTokens.get(procedure.path) ?? [];
      const tokens: fc.Arbitrary<string | null> = endsSessions
        ? fc.oneof(
            ...ownTokens.map((token) => fc.constant(token)),
            fc.constant(null),
            fc.string({ maxLength: 40 }),
            fc.stringMatching(/^[a-z2-7]{32}$/),
          )
        : fc.constant(fuzzToken);

      await fc.assert(
        fc.asyncProperty(inputArbitrary(procedure, pools), tokens, async (input, token) => {
          const before = await fingerprint();
          const outcome = await call(server, procedure, input, token);
          const key = outcome.ok ? 'ok' : outcome.appCode;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          if (!outcome.ok || procedure.type === 'query') {
            expect(await fingerprint(), `${procedure.path} ${key} changed data`).toBe(before);
          }
          calls += 1;
          if (calls % 50 === 0) await expectServing();
        }),
        { numRuns, ...(seed !== undefined && { seed }) },
      );
      await expectServing();
    });
  }

  it('reached the domain code: the core procedures succeeded at least once', () => {
    const total = [...stats.values()].reduce(
      (sum, outcomes) => sum + [...outcomes.values()].reduce((a, b) => a + b, 0),
      0,
    );
    expect(total).toBeGreaterThanOrEqual(2_000);
    for (const path of MUST_REACH) {
      expect(stats.get(path)?.get('ok') ?? 0, path).toBeGreaterThan(0);
    }
  });
});
