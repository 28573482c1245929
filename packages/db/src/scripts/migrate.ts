// `pnpm db:migrate`: applies pending migrations to the database the environment names.
import { migrateToLatest } from '../migrate';
import { databaseFromEnv } from './env-database';

const handle = databaseFromEnv();
try {
  const applied = await migrateToLatest(handle.db);
  console.log(
    applied.length === 0
      ? `${handle.engine}: already up to date`
      : `${handle.engine}: applied ${applied.join(', ')}`,
  );
} finally {
  await handle.close();
}
