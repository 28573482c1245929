// The rules of DATA_DIR's lock file (data-dir-lock.ts); the real two-process case, the API and a
// second opener, is apps/api/test/embedded/data-dir.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DataDirInUseError,
  LOCK_FILE,
  lockDataDir,
  type DataDirHolder,
} from '../src/data-dir-lock';
import { createDatabase } from '../src/connection';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskboard-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

function writeLock(dir: string, holder: DataDirHolder): void {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(holder));
}

/** A live process that is not this one, for as long as the test needs it. */
async function withOtherProcess(work: (pid: number) => Promise<void> | void): Promise<void> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  try {
    await work(child.pid ?? 0);
  } finally {
    child.kill('SIGKILL');
  }
}

describe('DATA_DIR lock', () => {
  it('refuses a directory a live process holds, in one line naming it', async () => {
    const dir = freshDir();
    await withOtherProcess((pid) => {
      writeLock(dir, { pid, started: startTime(pid), bootId, command: 'node src/main.ts' });
      expect(() => lockDataDir(dir, './.data')).toThrow(
        new DataDirInUseError('./.data', {
          pid,
          started: null,
          bootId: null,
          command: 'node src/main.ts',
        }).message,
      );
    });
  });

  it('takes over a lock whose process has died (kill -9, a crash)', async () => {
    const dir = freshDir();
    const child = spawn('true');
    const pid = await new Promise<number>((resolve) => {
      child.once('exit', () => {
        resolve(child.pid ?? 0);
      });
    });
    writeLock(dir, { pid, started: '1', bootId, command: 'node src/main.ts' });
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose pid now names another process, or is from before a reboot', async () => {
    const dir = freshDir();
    await withOtherProcess((pid) => {
      writeLock(dir, { pid, started: '1', bootId, command: 'node src/main.ts' });
      lockDataDir(dir).release();
      writeLock(dir, { pid, started: startTime(pid), bootId: 'another-boot', command: 'node' });
      lockDataDir(dir).release();
    });
  });

  it('is exclusive within one process too, until released', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    lock.release();
    lockDataDir(dir).release();
  });

  it('a handle closed before its first query leaves nothing at work in its directory', async () => {
    const dir = freshDir();
    const first = createDatabase({ dataDir: join(dir, 'data') });
    await first.close();
    expect(existsSync(join(dir, 'data', LOCK_FILE))).toBe(false);
    // Nothing of the first is still at work in the directory: removing it fails no start-up
    // (that would be an unhandled rejection), and a new one starts there from nothing.
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    const second = createDatabase({ dataDir: join(dir, 'data') });
    try {
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(second.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await second.close();
    }
  });
});
