// Reads the environment, listens, and shuts down cleanly on SIGTERM/SIGINT. On the embedded
// database it holds DATA_DIR (one process at a time) and runs the database commands that
// `pnpm db:seed`, `db:bulk-load`, `db:migrate` and `user:role` send it meanwhile.
import {
  createDatabase,
  DataDirInUseError,
  serveCommands,
  type CommandServer,
  type DatabaseHandle,
} from '@taskboard/db';
import { ConfigError, loadConfig, type Config } from './config';
import { databaseCommands } from './scripts/commands';
import { buildServer } from './server';

/** After this, a shutdown that is still draining gives up and exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const embeddedOnDisk = !config.databaseUrl && !config.dataDir.startsWith('memory://');
let database: DatabaseHandle | undefined;
if (embeddedOnDisk) {
  try {
    database = createDatabase({ dataDir: config.dataDir });
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const app = await buildServer(config, database ? { database } : {});
let commands: CommandServer | undefined;
if (database) {
  commands = await serveCommands(config.dataDir, database, databaseCommands, (error, command) => {
    app.log.error({ err: error, command }, 'database command failed');
  });
  if (!commands) {
    app.log.warn(
      { dataDir: config.dataDir },
      'DATA_DIR path too long for its control socket: stop the API before db:seed, db:bulk-load or user:role',
    );
  }
}
await app.listen({ port: config.port, host: config.host });

/** Where a person opens the board: loopback and wildcard addresses read best as localhost. */
function boardUrl(): string {
  const address = app.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : config.port;
  const local = ['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(config.host);
  const host = local ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

// The JSON log is for machines; a person in a terminal gets one line of their own.
if (process.stdout.isTTY) {
  console.log(`\nTaskboard is ready: open ${boardUrl()} (for a demo board, run: pnpm db:seed)\n`);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    (async () => {
      await commands?.close();
      await app.close();
      await database?.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
