// `pnpm db:migrate`: applies pending migrations to the database the environment names
// (with the API running on the embedded database, the API reports its own, already migrated).
import { migrateCommand } from '../commands';
import { runCommandScript } from '../control-channel';

await runCommandScript(migrateCommand, {});
