import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  pid: number;
  /**
   * A full garbage collection in the child, then its resident set size (VmRSS) in bytes: the
   * memory it retains, not the garbage it happens to hold at that moment.
   */
  residentBytes(): Promise<number>;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Open-file limit to run the child with (raised in a shell first, up to what is allowed). */
  openFiles?: number;
}

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const GC_TIMEOUT_MS = 10_000;

/** Runs in every child: SIGUSR2 collects garbage and says so on stdout. */
const GC_HOOK = `data:text/javascript,${encodeURIComponent(
  'process.on("SIGUSR2", () => { globalThis.gc?.(); process.stdout.write("GC DONE\\n"); });',
)}`;

/** Children still running: killed when this process exits, however it exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts one of `src/servers/*.ts` in its own Node process (so the load generator here does
 * not share its event loop) and waits for it to report its port.
 */
export function startServerProcess(
  name: 'api' | 'floor' | 'ws-floor',
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const file = fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url));
  const nodeArgs = ['--expose-gc', '--import', 'tsx', '--import', GC_HOOK, file];
  // Through a shell that raises the open-file limit first; `exec` keeps the pid, which is the
  // Node process's own (its memory is read from /proc).
  const [command, args] =
    options.openFiles === undefined
      ? [process.execPath, nodeArgs]
      : [
          'bash',
          [
            '-c',
            `ulimit -n ${options.openFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
            process.execPath,
            ...nodeArgs,
          ],
        ];
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  const gcWaiters: (() => void)[] = [];

  return new Promise((resolve, reject) => {
    const { pid } = child;
    if (pid === undefined) {
      reject(new Error(`${name} server did not start`));
      return;
    }
    const timer = setTimeout(() => {
      reject(new Error(`${name} server did not report its port within ${STARTUP_TIMEOUT_MS} ms`));
      void stop(child, exited);
    }, STARTUP_TIMEOUT_MS);
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'GC DONE') {
          gcWaiters.shift()?.();
          continue;
        }
        const port = /^LISTENING (\d+)$/.exec(line)?.[1];
        if (port) {
          clearTimeout(timer);
          resolve({
            url: `http://127.0.0.1:${port}`,
            pid,
            residentBytes: async () => {
              await collectGarbage(child, gcWaiters, name);
              return residentBytesOf(pid);
            },
            stop: () => stop(child, exited),
          });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} server exited with ${code}`));
    });
  });
}

function collectGarbage(child: ChildProcess, waiters: (() => void)[], name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} server did not collect garbage within ${GC_TIMEOUT_MS} ms`));
    }, GC_TIMEOUT_MS);
    waiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGUSR2');
  });
}

/** VmRSS of a process, in bytes. */
export async function residentBytesOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kilobytes) * 1024;
}

/** SIGTERM, then SIGKILL if the child has not exited in time. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, STOP_TIMEOUT_MS);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  await exited;
}
