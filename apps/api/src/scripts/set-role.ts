// `pnpm --filter @taskboard/api user:role <email> <admin|user>`: grants or withdraws the global
// admin role (the panel in production, every project) on the database the environment names
// (DATABASE_URL, else PGlite in DATA_DIR). The API has no procedure for it on purpose: making
// an admin takes access to the server. Sessions pick the change up within a minute (cache).
import { createDatabase, getUserByEmail, migrateToLatest, setUserRole } from '@taskboard/db';
import { userRoleSchema } from '@taskboard/schema';

const [email, roleArgument] = process.argv.slice(2);
const role = userRoleSchema.safeParse(roleArgument);
if (!email || !role.success) {
  console.error('Usage: user:role <email> <admin|user>');
  process.exit(2);
}

const handle = createDatabase({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR,
});
try {
  await migrateToLatest(handle.db);
  const user = await getUserByEmail(handle.db, email);
  if (!user) {
    console.error(`No account with the email ${email}`);
    process.exitCode = 1;
  } else {
    await setUserRole(handle.db, user.id, role.data);
    console.log(`${user.email} is now ${role.data === 'admin' ? 'an admin' : 'a user'}`);
  }
} finally {
  await handle.close();
}
