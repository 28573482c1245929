// The data layer's own database commands (`pnpm db:migrate`, `pnpm db:bulk-load`), runnable in
// their own process or, while the API holds the embedded database, inside it (control-channel.ts).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bulkLoadTasks } from './bulk-load';
import type { DatabaseCommand } from './control-channel';
import { migrateToLatest } from './migrate';
import { createProject } from './projects';
import { runUnitOfWork } from './unit-of-work';
import { createUser, getUserByEmail } from './users';

export const migrateCommand: DatabaseCommand<Record<string, never>> = {
  name: 'migrate',
  args: z.object({}).strict(),
  migratesItself: true,
  async run(handle, _args, out) {
    const applied = await migrateToLatest(handle.db);
    out.print(
      applied.length === 0
        ? `${handle.engine}: already up to date`
        : `${handle.engine}: applied ${applied.join(', ')}`,
    );
    return 0;
  },
};

export const bulkLoadArgs = z.object({
  count: z.number().int().min(1),
  /** The account that owns the new project; unset: a placeholder owner nobody signs in as. */
  email: z.string().optional(),
});

/** A new project filled with `count` generated tasks, owned by the named account. */
export const bulkLoadCommand: DatabaseCommand<z.infer<typeof bulkLoadArgs>> = {
  name: 'bulk-load',
  args: bulkLoadArgs,
  async run(handle, { count, email }, out) {
    const named = email === undefined ? undefined : await getUserByEmail(handle.db, email);
    if (named === null) {
      out.error(`No account with the email ${email ?? ''}: register it on the board first`);
      return 1;
    }
    const { result: project } = await runUnitOfWork(handle.db, null, async (uow) => {
      const owner =
        named ??
        (await createUser(uow.trx, {
          email: `bulk-${randomUUID()}@example.com`,
          name: 'Bulk loader',
          // Not a valid argon2 hash: nobody can sign in as this user.
          passwordHash: '!',
        }));
      return createProject(uow, { name: `Bulk ${count} tasks`, ownerId: owner.id });
    });
    const started = performance.now();
    await bulkLoadTasks(handle.db, {
      projectId: project.id,
      count,
      createdById: project.ownerId,
      ...(named && { assigneeIds: [named.id] }),
    });
    const seconds = (performance.now() - started) / 1000;
    out.print(
      `${handle.engine}: loaded ${count} tasks into project "${project.name}" (${project.id}) in ${seconds.toFixed(1)} s`,
    );
    out.print(
      named
        ? `${named.email} sees it in their projects (it is theirs).`
        : 'Its owner is a placeholder nobody signs in as (an admin sees every project); to fill a ' +
            'project of your own: pnpm db:bulk-load --email <your account> [count]',
    );
    return 0;
  },
};
