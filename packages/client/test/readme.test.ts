// Every command block of README.md runs as printed (issue 10: the client example printed nothing
// and never exited). The blocks are read from the README itself, so an edit there is tested; one
// this file does not know fails the suite. Blocks that cannot run inside a test say in their
// first comment what runs them instead, and are listed here with it:
// - `npm install -g pnpm@… && pnpm install && pnpm start`: .ci/run runs the install as printed
//   and then `pnpm start` (free port, throw-away DATA_DIR), checking the board answers;
// - `pnpm test`: .ci/run runs exactly that;
// - the client's pack-and-install block: pack.test.ts (pack, install outside, type-check, run).
// The rest run here against a real API, with two substitutions a reader makes too: the API's
// address for http://localhost:3000, and the CLI's saved session in a temporary file.
// They run in this package because they build and run its dist/: its suites run one file at a
// time, so that rebuild races no other test.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiDir } from '@taskboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startEmbeddedApi, type EmbeddedApi } from '@taskboard/server/testing/embedded';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(packageDir, '../..');
/** The account the README's examples sign in as (a reader creates it on the board first). */
const ADA = { email: 'ada@example.com', name: 'Ada', password: 'a long secret phrase' };

interface Block {
  lang: string;
  code: string;
}

const coveredElsewhere: { marker: string; by: RegExp }[] = [
  { marker: 'pnpm install && pnpm start', by: /\.ci\/run runs these as printed/ },
  { marker: '\npnpm test\n', by: /\.ci\/run runs exactly this/ },
  {
    marker: 'pnpm pack --pack-destination',
    by: /packages\/client\/test\/pack\.test\.ts does this/,
  },
];
const runHere = {
  client: "from '@taskboard/client'",
  cli: 'taskboard login',
  rest: '$API/auth/register',
};

async function readmeBlocks(): Promise<Block[]> {
  const readme = await readFile(join(repoDir, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    lang: match[1] ?? '',
    code: match[2] ?? '',
  }));
}

function blockWith(blocks: Block[], marker: string): Block {
  const found = blocks.filter((block) => block.code.includes(marker));
  expect(found, `README blocks containing ${marker}`).toHaveLength(1);
  const [block] = found;
  if (!block) throw new Error(`no README block contains ${marker}`);
  return block;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    // Within the test's own time: a block that never exits is killed and fails the test.
    const options = { cwd, env, timeout: 45_000, killSignal: 'SIGKILL' as const };
    execFile(command, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let api: EmbeddedApi;
let work: string;
let blocks: Block[];
let env: NodeJS.ProcessEnv;
const asPrinted = (code: string) => code.replaceAll('http://localhost:3000', api.url);

beforeAll(async () => {
  api = await startEmbeddedApi();
  work = await mkdtemp(join(tmpdir(), 'taskboard-readme-'));
  blocks = await readmeBlocks();
  env = { ...process.env, TASKBOARD_URL: api.url, TASKBOARD_CONFIG: join(work, 'cli.json') };
  const registered = await fetch(`${api.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADA),
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await api.close();
  await rm(work, { recursive: true, force: true });
});

describe("README.md's command blocks", () => {
  it('are each run here or by what their comment names', () => {
    const shell = blocks.filter((block) => ['sh', 'ts'].includes(block.lang));
    expect(shell.length).toBeGreaterThanOrEqual(6);
    for (const block of shell) {
      const elsewhere = coveredElsewhere.find(({ marker }) => `\n${block.code}`.includes(marker));
      if (elsewhere) {
        expect(block.code, 'its comment says what runs it').toMatch(elsewhere.by);
        continue;
      }
      const here = Object.values(runHere).some((marker) => block.code.includes(marker));
      expect(here, `a README block nobody runs:\n${block.code}`).toBe(true);
    }
    // Anything else fenced is not a command (the layout tree): no language, no shell.
    for (const block of blocks.filter((b) => !['sh', 'ts'].includes(b.lang))) {
      expect(block.lang, block.code).toBe('');
      expect(block.code).not.toMatch(/^(pnpm|npm|curl|docker|node) /m);
    }
  });

  it('the client example prints the live event and the conflict, then exits', async () => {
    const block = blockWith(blocks, runHere.client);
    expect(block.lang).toBe('ts');
    // An app with the package installed: node_modules/@taskboard/client is this package.
    await mkdir(join(work, 'app/node_modules/@taskboard'), { recursive: true });
    await symlink(packageDir, join(work, 'app/node_modules/@taskboard/client'));
    // TypeScript run as a reader would (tsx), by node itself: a hang is killed with it.
    await symlink(join(apiDir, 'node_modules/tsx'), join(work, 'app/node_modules/tsx'));
    await writeFile(join(work, 'app/package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(join(work, 'app/main.ts'), asPrinted(block.code));
    // It compiles as a strict TypeScript app's code (against the built declarations)…
    await mkdir(join(work, 'app/node_modules/@types'), { recursive: true });
    await symlink(
      join(packageDir, 'node_modules/@types/node'),
      join(work, 'app/node_modules/@types/node'),
    );
    await writeFile(
      join(work, 'app/tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['main.ts'],
      }),
    );
    const tsc = join(packageDir, 'node_modules/.bin/tsc');
    expect(await run(tsc, ['-p', '.'], join(work, 'app'), env)).toMatchObject({
      code: 0,
      stdout: '',
    });
    // …and runs.
    const ran = await run(process.execPath, ['--import', 'tsx', 'main.ts'], join(work, 'app'), env);
    expect(ran).toEqual({
      code: 0,
      stdout: 'live: task.updated\nchanged meanwhile; now at version 2\n',
      stderr: '',
    });
  });

  it('the CLI block signs in, adds, lists, moves and watches', { timeout: 180_000 }, async () => {
    const block = blockWith(blocks, runHere.cli);
    await writeFile(join(work, 'cli.sh'), asPrinted(block.code));
    const shell = spawn(
      'bash',
      ['-e', '-o', 'pipefail', '-O', 'expand_aliases', join(work, 'cli.sh')],
      {
        cwd: repoDir,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => shell.once('exit', resolve));
    const until = async (done: () => boolean, what: string) => {
      for (let waited = 0; !done(); waited += 100) {
        if (waited > 150_000 || shell.exitCode !== null) {
          throw new Error(`${what} did not happen:\n${stdout}\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      // The last line, `taskboard watch Inbox`, runs until Ctrl-C: once it watches, a change by
      // someone else shows as a line, then Ctrl-C.
      await until(() => stderr.includes('Watching Inbox (Ctrl-C to stop)'), 'watching');
      const login = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADA.email, password: ADA.password }),
      });
      const { token } = z.object({ token: z.string() }).parse(await login.json());
      await fetch(`${api.url}/api/v1/project-management/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: 'Seen live' }),
      });
      await until(() => /#\d+ {2}task\.created .*Seen live/.test(stdout), 'the live line');
      process.kill(-(shell.pid ?? 0), 'SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (shell.exitCode === null) process.kill(-(shell.pid ?? 0), 'SIGKILL');
    }
    const lines = stdout.split('\n');
    expect(lines).toContain(`Signed in as ${ADA.email}`);
    expect(lines.some((line) => /^\S+ {2}owner +Inbox$/.test(line))).toBe(true);
    expect(lines.some((line) => /^\S+ {2}todo +high +Level the bed$/.test(line))).toBe(true);
    expect(lines.some((line) => /^\S+ {2}in-progress +high +Level the bed$/.test(line))).toBe(true);
  });

  it('the REST block registers, signs in, creates and lists', async () => {
    const block = blockWith(blocks, runHere.rest);
    await writeFile(join(work, 'rest.sh'), asPrinted(block.code));
    const ran = await run('bash', ['-e', '-o', 'pipefail', join(work, 'rest.sh')], repoDir, env);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toBe('');
    const answers = ran.stdout.split(/(?<=\})(?=\{)/).map((text): unknown => JSON.parse(text));
    expect(answers).toMatchObject([
      { user: { email: 'grace@example.com' } },
      { task: { title: 'Calibrate the extruder', priority: 'high' } },
      { tasks: [{ title: 'Calibrate the extruder' }], pagination: { total: 1 } },
    ]);
  });
});
