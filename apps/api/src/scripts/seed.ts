// `pnpm db:seed`: the demo board (demo-board.ts) on the database the environment names
// (DATABASE_URL, else PGlite in DATA_DIR); with the API running there, inside the API.
import { runCommandScript } from '@taskboard/db';
import { seedCommand } from './demo-board';

await runCommandScript(seedCommand, {});
