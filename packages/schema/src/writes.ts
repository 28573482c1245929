import { z } from 'zod';
import { idSchema } from './common';
import {
  memberRefInputSchema,
  memberSchema,
  projectSchema,
  projectWithRoleSchema,
} from './projects';
import { taskSchema } from './tasks';

/** A project event's id: monotonic across the database, the resume cursor of every feed. */
export const eventIdSchema = z.number().int().min(1);

/**
 * Every write answers the id of the event it committed, so a client knows when its own change
 * has come back through the feed (the event with this id is the echo of this write). Null when
 * the write committed no event: it changed nothing (an update to the values a task already
 * has, a role it already has), or it repeated a create whose event is no longer in the log.
 * A repeated create (same client-chosen id) answers the id of the original `task.created`.
 */
const committed = { eventId: eventIdSchema.nullable() };

/** `tasks.create`, `tasks.update`, `tasks.move`: the task as it is now, and the event's id. */
export const taskWriteResultSchema = taskSchema.extend(committed);
export type TaskWriteResult = z.infer<typeof taskWriteResultSchema>;

/** `tasks.delete`, `projects.delete`: the id of what went, and the event's id. */
export const deleteResultSchema = z.object({ id: idSchema, ...committed });
export type DeleteResult = z.infer<typeof deleteResultSchema>;

/** `projects.create`: the new project with the caller's role (owner); its event is `member.added`. */
export const projectCreateResultSchema = projectWithRoleSchema.extend(committed);
export type ProjectCreateResult = z.infer<typeof projectCreateResultSchema>;

/** `projects.update`, `projects.archive` (also restore). */
export const projectWriteResultSchema = projectSchema.extend(committed);
export type ProjectWriteResult = z.infer<typeof projectWriteResultSchema>;

/** `members.add`, `members.updateRole`. */
export const memberWriteResultSchema = memberSchema.extend(committed);
export type MemberWriteResult = z.infer<typeof memberWriteResultSchema>;

/** `members.remove`. */
export const memberRemoveResultSchema = memberRefInputSchema.extend(committed);
export type MemberRemoveResult = z.infer<typeof memberRemoveResultSchema>;
