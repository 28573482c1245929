import { createDatabase, type DatabaseHandle } from '../connection';

/** The database the environment names (SPEC.md: DATABASE_URL, else PGlite in DATA_DIR). */
export function databaseFromEnv(): DatabaseHandle {
  return createDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATA_DIR,
  });
}
