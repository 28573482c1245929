// The API's start-up in a terminal: one human line saying where the board is and how to get a
// demo board, besides the JSON log (issue 10: the only "ready" line was raw JSON). A real
// terminal: util-linux's `script` gives the API a pseudo-terminal as its stdout.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDir, freePort } from '../../src/testing';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Runs the API until `until` matches its output (or 60 s pass: a start on a busy machine), then stops it. */
async function startUpOutput(inTerminal: boolean, until: RegExp): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taskboard-ready-'));
  dirs.push(dir);
  const port = await freePort();
  const api = `${process.execPath} --import tsx src/main.ts`;
  const [command, args] = inTerminal
    ? ['script', ['--quiet', '--return', '--command', api, '/dev/null']]
    : [process.execPath, ['--import', 'tsx', 'src/main.ts']];
  const child = spawn(command, args, {
    cwd: apiDir,
    env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (until.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-(child.pid ?? 0), 'SIGTERM');
  await exited;
  return output.replaceAll('\r', '').replace(/:\d+\b/g, ':PORT');
}

describe('the ready line', () => {
  it(
    'in a terminal, says where the board is and how to get a demo board',
    { timeout: 90_000 },
    async () => {
      const output = await startUpOutput(true, /Taskboard is ready[^\n]*\n/);
      expect(output).toContain(
        '\nTaskboard is ready: open http://localhost:PORT (for a demo board, run: pnpm db:seed)\n',
      );
      expect(output).toMatch(/^\{.*"msg":"Server listening at http:\/\/127\.0\.0\.1:PORT"\}$/m);
    },
  );

  it('elsewhere (a log file, a service), keeps to the JSON log', { timeout: 90_000 }, async () => {
    const output = await startUpOutput(false, /Server listening/);
    expect(output).toMatch(/^\{.*"msg":"Server listening at http:\/\/127\.0\.0\.1:PORT"\}$/m);
    expect(output).not.toContain('Taskboard is ready');
  });
});
