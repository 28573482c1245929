// The command of `pnpm user:role`: grants or withdraws the global admin role (the panel in
// production, every project). The API has no procedure for it on purpose: making an admin takes
// access to the server (its database, or its DATA_DIR's control socket, mode 0600).
import { getUserByEmail, setUserRole, type DatabaseCommand } from '@taskboard/db';
import { userRoleSchema } from '@taskboard/schema';
import { z } from 'zod';

export const roleArgs = z.object({ email: z.string().min(1), role: userRoleSchema });

export const setRoleCommand: DatabaseCommand<z.infer<typeof roleArgs>> = {
  name: 'user-role',
  args: roleArgs,
  async run(handle, { email, role }, out) {
    const user = await getUserByEmail(handle.db, email);
    if (!user) {
      out.error(`No account with the email ${email}`);
      return 1;
    }
    await setUserRole(handle.db, user.id, role);
    out.print(`${user.email} is now ${role === 'admin' ? 'an admin' : 'a user'}`);
    return 0;
  },
};
