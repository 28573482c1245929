// One process at a time in an embedded database's directory. PGlite takes no lock of its own,
// and a second process writing the same files loses acknowledged writes and can leave the
// directory unstartable (issue 10).
//
// Why a lock file of our own rather than `proper-lockfile` or `lockfile`: those decide that a
// lock is stale by its age (an mtime the holder refreshes on a timer). PGlite runs on the
// holder's main thread, so a long statement (a bulk load) stops that timer and the lock would
// look stale to a second process while the first still writes: exactly the corruption this
// prevents. Liveness of the holder's process is the test that fits one machine, and naming that
// process is what tells the user what to stop. An OS lock (flock) would need a native addon.
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';

/** The lock file, inside the data directory (PostgreSQL ignores files it does not know). */
export const LOCK_FILE = 'taskboard.lock';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  /** The process's start time (Linux: clock ticks since boot), so a reused pid is not taken for it. */
  started: z.string().nullable(),
  /** The kernel's boot id: a pid from before a reboot names no process. */
  bootId: z.string().nullable(),
  /** What the holder runs, to name it to the user. */
  command: z.string(),
});

export type DataDirHolder = z.infer<typeof holderSchema>;

/** Thrown when another live process has the data directory open; the message is one line. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${holder.pid} (${holder.command}); stop that ` +
        'process first: the embedded database allows one process at a time',
    );
  }
}

export interface DataDirLock {
  /** Removes the lock file (only if it is still this process's). */
  readonly release: () => void;
}

function readProcFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parens). */
function startTimeOf(pid: number): string | null {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

function bootId(): string | null {
  return readProcFile('/proc/sys/kernel/random/boot_id')?.trim() ?? null;
}

function describeSelf(): string {
  const args = process.argv.slice(1).map((arg) => arg.replace(process.cwd() + '/', ''));
  const command = [basename(process.argv0), ...args].join(' ');
  return command.length > 120 ? `${command.slice(0, 117)}…` : command;
}

function selfHolder(): DataDirHolder {
  return {
    pid: process.pid,
    started: startTimeOf(process.pid),
    bootId: bootId(),
    command: describeSelf(),
  };
}

/** Whether the process a lock file names is still the one that wrote it. */
export function isAlive(holder: DataDirHolder): boolean {
  const currentBoot = bootId();
  if (holder.bootId !== null && currentBoot !== null && holder.bootId !== currentBoot) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if (error instanceof Error && 'code' in error && error.code === 'EPERM') return true;
    return false;
  }
  if (holder.started === null) return true;
  const started = startTimeOf(holder.pid);
  return started === null || started === holder.started;
}

function readHolder(path: string): DataDirHolder | 'missing' | 'unreadable' {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** The live process holding `dataDir`, if any. */
export function dataDirHolder(dataDir: string): DataDirHolder | undefined {
  const holder = readHolder(join(dataDir, LOCK_FILE));
  return typeof holder === 'object' && isAlive(holder) ? holder : undefined;
}

function writeExclusive(path: string, text: string): void {
  const descriptor = openSync(path, 'wx', 0o600);
  try {
    writeSync(descriptor, text);
  } finally {
    closeSync(descriptor);
  }
}

const ATTEMPTS = 5;

/**
 * Takes the directory for this process, or throws `DataDirInUseError` at once when a live
 * process holds it. A lock left by a process that died (kill -9, a crash, a reboot) is taken
 * over. `dataDir` is shown in the message as given.
 */
export function lockDataDir(location: string, dataDir = location): DataDirLock {
  const lockPath = join(location, LOCK_FILE);
  const mine = selfHolder();
  const text = JSON.stringify(mine);
  // Written whole under a private name, then linked into place: the lock file never exists
  // half-written, and link() fails atomically if one is there.
  const draft = `${lockPath}.${process.pid}.${Date.now()}`;
  writeExclusive(draft, text);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        linkSync(draft, lockPath);
        return {
          release: () => {
            const current = readHolder(lockPath);
            if (typeof current === 'object' && current.pid === mine.pid) {
              try {
                unlinkSync(lockPath);
              } catch {
                // already gone
              }
            }
          },
        };
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      }
      const holder = readHolder(lockPath);
      if (holder === 'missing') continue;
      if (typeof holder === 'object' && isAlive(holder))
        throw new DataDirInUseError(dataDir, holder);
      // Stale (or unreadable: a crash before link() cannot leave one, so it is not ours to
      // honour). Moved aside under a unique name, then checked: if another process took the
      // lock over in between, what was moved is its live lock, and it goes back.
      const aside = `${lockPath}.stale.${process.pid}.${attempt}`;
      try {
        renameSync(lockPath, aside);
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') continue;
        throw error;
      }
      const moved = readHolder(aside);
      if (typeof moved === 'object' && isAlive(moved)) {
        try {
          linkSync(aside, lockPath);
        } catch {
          // someone else is in place already; the retry reports whoever it is
        }
      }
      unlinkSync(aside);
    }
    throw new Error(`could not take the lock ${lockPath} after ${ATTEMPTS} attempts`);
  } finally {
    unlinkSync(draft);
  }
}
