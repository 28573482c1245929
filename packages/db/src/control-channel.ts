// The everyday database commands (`pnpm db:seed`, `db:bulk-load`, `db:migrate`, `user:role`)
// while the API runs on the embedded database: the API holds DATA_DIR (data-dir-lock.ts), so a
// command sends its work to it over a Unix socket inside DATA_DIR and the API runs it on its own
// database handle. The socket is mode 0600: only the machine's same user (who could open the
// files anyway) can use it; it adds no network surface. With no API running, a command opens
// the database itself.
import { chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { createDatabase, type DatabaseHandle } from './connection';
import { DataDirInUseError, dataDirHolder, type DataDirHolder } from './data-dir-lock';
import { migrateToLatest } from './migrate';

export const CONTROL_SOCKET = 'control.sock';

/** What a command prints; over the socket, each line goes back to the command's terminal. */
export interface CommandOutput {
  print(line: string): void;
  error(line: string): void;
}

/** A command that runs on an open, migrated database, in its own process or in the API's. */
export interface DatabaseCommand<A> {
  name: string;
  args: z.ZodType<A>;
  /**
   * Run on the database as it is, not migrated first: db:migrate, which reports what it
   * applies (migrated beforehand, it would always find nothing to do).
   */
  migratesItself?: boolean;
  /** Resolves to the exit code. */
  run(handle: DatabaseHandle, args: A, out: CommandOutput): Promise<number>;
}

/** A command with its argument type checked at the edge, so commands of any type share a list. */
export interface RegisteredCommand {
  name: string;
  execute(handle: DatabaseHandle, args: unknown, out: CommandOutput): Promise<number>;
}

export function registerCommand<A>(command: DatabaseCommand<A>): RegisteredCommand {
  return {
    name: command.name,
    execute: (handle, raw, out) => command.run(handle, command.args.parse(raw), out),
  };
}

/** Unix socket paths are limited to 107 bytes; past that, the cwd-relative path may still fit. */
const MAX_SOCKET_PATH = 107;

/** The socket's path for `dataDir`, or undefined where no path to it is short enough. */
export function controlSocketPath(dataDir: string): string | undefined {
  const absolute = join(resolve(dataDir), CONTROL_SOCKET);
  const fromHere = relative(process.cwd(), absolute);
  const shortest = fromHere.length < absolute.length ? `./${fromHere}` : absolute;
  return Buffer.byteLength(shortest) <= MAX_SOCKET_PATH ? shortest : undefined;
}

const requestSchema = z.object({ command: z.string(), args: z.unknown() });
const replySchema = z.union([
  z.object({ print: z.string() }),
  z.object({ error: z.string() }),
  z.object({ exitCode: z.number().int() }),
]);
type Reply = z.infer<typeof replySchema>;

/** A request is a command name and its arguments: far below this. */
const MAX_REQUEST_CHARS = 1_048_576;
/** A client that connects and sends no request within this is dropped (it would delay close). */
const REQUEST_TIMEOUT_MS = 10_000;

/** Newline-delimited JSON values from a socket, one call per value. */
function onJsonLines(socket: Socket, each: (value: unknown) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_REQUEST_CHARS) {
      socket.destroy(new Error('the control channel sent a request over its size limit'));
      return;
    }
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      try {
        each(JSON.parse(line));
      } catch {
        socket.destroy(new Error('the control channel sent something that is not JSON'));
      }
    }
  });
}

export interface CommandServer {
  close(): Promise<void>;
}

/**
 * Listens on DATA_DIR's control socket and runs the commands sent there on `handle`, one at a
 * time (PGlite runs one statement at a time anyway). The caller must hold DATA_DIR's lock: a
 * socket file left by a process that died is removed. Resolves undefined when no socket path
 * fits (the commands then say to stop the API first).
 */
export async function serveCommands(
  dataDir: string,
  handle: DatabaseHandle,
  commands: readonly RegisteredCommand[],
  onError: (error: unknown, command: string) => void,
  options: { requestTimeoutMs?: number } = {},
): Promise<CommandServer | undefined> {
  const path = controlSocketPath(dataDir);
  if (path === undefined) return undefined;
  try {
    unlinkSync(path);
  } catch {
    // none left behind
  }
  let queue = Promise.resolve();
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.setTimeout(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, () => {
      socket.destroy();
    });
    const send = (reply: Reply) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
    };
    let received = false;
    onJsonLines(socket, (value) => {
      if (received) return;
      received = true;
      // A command may run for long (a bulk load): the deadline was for the request only.
      socket.setTimeout(0);
      const request = requestSchema.safeParse(value);
      const command = request.success
        ? commands.find((candidate) => candidate.name === request.data.command)
        : undefined;
      if (!request.success || !command) {
        send({ error: 'unknown command' });
        send({ exitCode: 2 });
        socket.end();
        return;
      }
      const out: CommandOutput = {
        print: (line) => {
          send({ print: line });
        },
        error: (line) => {
          send({ error: line });
        },
      };
      queue = queue.then(async () => {
        let exitCode = 1;
        try {
          exitCode = await command.execute(handle, request.data.args, out);
        } catch (error) {
          onError(error, command.name);
          out.error(error instanceof Error ? error.message : String(error));
        }
        send({ exitCode });
        socket.end();
      });
      // One command's failure to report must not stop the ones queued after it.
      queue = queue.catch(() => undefined);
    });
  });
  // The socket file is created with the umask's mode: a private umask for the bind, so there is
  // no moment when another user could connect, and chmod after, to be explicit. listen() binds
  // synchronously (outside a cluster worker), so the umask is restored before anything else runs.
  const listening = new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const umask = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(umask);
  }
  await listening;
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => {
          resolveClose();
        });
        // Node removes the socket file on close.
      }),
  };
}

/**
 * Sends a command to the process serving DATA_DIR's control socket, relaying what it prints.
 * Resolves to the exit code, or undefined when nothing answers on the socket.
 */
export function sendCommand(
  dataDir: string,
  name: string,
  args: unknown,
  out: CommandOutput,
): Promise<number | undefined> {
  const path = controlSocketPath(dataDir);
  if (path === undefined) return Promise.resolve(undefined);
  return new Promise((resolveSend, reject) => {
    let connected = false;
    let exitCode: number | undefined;
    const socket = createConnection(path, () => {
      connected = true;
      socket.write(`${JSON.stringify({ command: name, args })}\n`);
    });
    onJsonLines(socket, (value) => {
      const reply = replySchema.parse(value);
      if ('print' in reply) out.print(reply.print);
      else if ('error' in reply) out.error(reply.error);
      else exitCode = reply.exitCode;
    });
    socket.on('error', (error) => {
      if (!connected) resolveSend(undefined);
      else reject(error);
    });
    socket.on('close', () => {
      if (!connected) return;
      if (exitCode === undefined)
        reject(new Error('the API closed the control channel mid-command'));
      else resolveSend(exitCode);
    });
  });
}

const consoleOutput: CommandOutput = {
  print: (line) => {
    console.log(line);
  },
  error: (line) => {
    console.error(line);
  },
};

/**
 * Hands a command to the process holding DATA_DIR and resolves to its exit code; 1, with one
 * line and no stack, when that process serves no control socket (it is not the API) or stops
 * mid-command.
 */
async function runInHolder(
  dataDir: string,
  holder: DataDirHolder,
  name: string,
  args: unknown,
): Promise<number> {
  let exitCode;
  try {
    exitCode = await sendCommand(dataDir, name, args, consoleOutput);
  } catch (error) {
    console.error(`The API (process ${holder.pid}) stopped before answering: ${String(error)}`);
    return 1;
  }
  if (exitCode === undefined) console.error(new DataDirInUseError(dataDir, holder).message);
  return exitCode ?? 1;
}

/**
 * Runs a command as a script: against DATABASE_URL, or in DATA_DIR's embedded database, opened
 * here when no process holds it and through the running API when one does. Sets the exit code.
 */
export async function runCommandScript<A>(command: DatabaseCommand<A>, args: A): Promise<void> {
  // An empty variable counts as unset, as for the API (config.ts).
  const databaseUrl = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL;
  const dataDir =
    process.env.DATA_DIR === undefined || process.env.DATA_DIR === ''
      ? './.data'
      : process.env.DATA_DIR;
  const embeddedOnDisk = !databaseUrl && !dataDir.startsWith('memory://');
  if (embeddedOnDisk) {
    const holder = dataDirHolder(resolve(dataDir));
    if (holder) {
      process.exitCode = await runInHolder(dataDir, holder, command.name, args);
      return;
    }
  }
  let handle;
  try {
    handle = createDatabase({ databaseUrl, dataDir });
  } catch (error) {
    // Someone took DATA_DIR between the look and the open.
    if (error instanceof DataDirInUseError) {
      process.exitCode = await runInHolder(dataDir, error.holder, command.name, args);
      return;
    }
    throw error;
  }
  try {
    if (!command.migratesItself) await migrateToLatest(handle.db);
    process.exitCode = await command.run(handle, args, consoleOutput);
  } finally {
    await handle.close();
  }
}
