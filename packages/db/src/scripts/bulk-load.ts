// `pnpm db:bulk-load [--email <account>] [count]`: a new project filled with `count` tasks
// (default 100,000), for trying the board at scale; owned by the named account, so it opens
// on the board. Works with the API running (its work then runs inside the API).
import { parseArgs } from 'node:util';
import { bulkLoadArgs, bulkLoadCommand } from '../commands';
import { runCommandScript } from '../control-channel';

const USAGE =
  'usage: pnpm db:bulk-load [--email <account>] [count]  (count: a positive whole number)';

let parsed;
try {
  parsed = parseArgs({ options: { email: { type: 'string' } }, allowPositionals: true });
} catch {
  parsed = undefined;
}
const args = bulkLoadArgs.safeParse({
  count: Number(parsed?.positionals[0] ?? 100_000),
  email: parsed?.values.email,
});
if (!parsed || parsed.positionals.length > 1 || !args.success) {
  console.error(USAGE);
  process.exit(1);
}
await runCommandScript(bulkLoadCommand, args.data);
