// `pnpm user:role <email> <admin|user>` (role-command.ts) on the database the environment names
// (DATABASE_URL, else PGlite in DATA_DIR; with the API running there, inside the API). Sessions
// pick the change up within a minute (cache).
import { runCommandScript } from '@taskboard/db';
import { roleArgs, setRoleCommand } from './role-command';

const [email, role] = process.argv.slice(2);
const args = roleArgs.safeParse({ email, role });
if (!args.success || process.argv.length > 4) {
  console.error('Usage: user:role <email> <admin|user>');
  process.exit(2);
}
await runCommandScript(setRoleCommand, args.data);
