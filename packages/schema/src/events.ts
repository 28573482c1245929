import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import { memberSchema, projectSchema } from './projects';
import { taskSchema } from './tasks';

export const projectEventTypes = [
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'member.added',
  'member.updated',
  'member.removed',
  'project.updated',
  'project.deleted',
] as const;
export type ProjectEventType = (typeof projectEventTypes)[number];

/** Changes to who belongs to a project: addressed to the member, for their project list. */
export const membershipEventTypes = ['member.added', 'member.updated', 'member.removed'] as const;
/** What changes a user's project list (events.myProjects): their memberships, their projects. */
export const projectListEventTypes = [
  ...membershipEventTypes,
  'project.updated',
  'project.deleted',
] as const;
/** The events that change a user's project list (what `events.myProjects` yields). */
export type ProjectListEvent = Extract<
  ProjectEvent,
  { type: (typeof projectListEventTypes)[number] }
>;

export function isMembershipEvent(type: ProjectEventType): boolean {
  return membershipEventTypes.some((membership) => membership === type);
}

/**
 * What `previous` holds: the values a change replaced, so a receiver that never loaded the
 * task (or project, or member) can still tell what moved where. It is null only on events
 * logged before events carried it (before this field existed); a receiver that gets null
 * re-reads what it needs. Replay parses old rows with it defaulted to null.
 */
function previousOf<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

/**
 * The fields a `task.updated` can change. `previous` has exactly the fields that changed (a
 * status change also moves the task, so it has `position` too); `version` is not repeated
 * (it is always `task.version - 1`), nor `updatedAt`.
 */
export const taskUpdatedPreviousSchema = taskSchema
  .pick({
    title: true,
    description: true,
    status: true,
    priority: true,
    assigneeId: true,
    dueDate: true,
    position: true,
  })
  .partial();
export type TaskUpdatedPrevious = z.infer<typeof taskUpdatedPreviousSchema>;

/** Where a moved task was: its column and its key (both always present, even within a column). */
export const taskMovedPreviousSchema = taskSchema.pick({ status: true, position: true });
export type TaskMovedPrevious = z.infer<typeof taskMovedPreviousSchema>;

/** The fields of a project that `project.updated` can change; only the changed ones are present. */
export const projectUpdatedPreviousSchema = projectSchema
  .pick({ name: true, description: true, status: true })
  .partial();
export type ProjectUpdatedPrevious = z.infer<typeof projectUpdatedPreviousSchema>;

/** A member's role before `member.updated` changed it. */
export const memberUpdatedPreviousSchema = memberSchema.pick({ role: true });
export type MemberUpdatedPrevious = z.infer<typeof memberUpdatedPreviousSchema>;

/**
 * What a change says about itself; the data layer adds id, projectId, actorId and createdAt.
 * Every event carries the new state and the previous values of what it changed, so a
 * receiver narrows by `type` and never has to ask the server again:
 * - `task.deleted`: `previous` is the whole task as it was (its column, key, assignee…);
 * - `member.removed`: `previous` is the membership as it was (role, user);
 * - creations (`task.created`, `member.added`) and `project.deleted` have no previous values.
 */
export const projectEventBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task.created'), payload: z.object({ task: taskSchema }) }),
  z.object({
    type: z.literal('task.updated'),
    payload: z.object({ task: taskSchema, previous: previousOf(taskUpdatedPreviousSchema) }),
  }),
  z.object({
    type: z.literal('task.moved'),
    payload: z.object({ task: taskSchema, previous: previousOf(taskMovedPreviousSchema) }),
  }),
  z.object({
    type: z.literal('task.deleted'),
    payload: z.object({ taskId: idSchema, previous: previousOf(taskSchema) }),
  }),
  z.object({ type: z.literal('member.added'), payload: z.object({ member: memberSchema }) }),
  z.object({
    type: z.literal('member.updated'),
    payload: z.object({ member: memberSchema, previous: previousOf(memberUpdatedPreviousSchema) }),
  }),
  z.object({
    type: z.literal('member.removed'),
    payload: z.object({ userId: idSchema, previous: previousOf(memberSchema) }),
  }),
  z.object({
    type: z.literal('project.updated'),
    payload: z.object({
      project: projectSchema,
      previous: previousOf(projectUpdatedPreviousSchema),
    }),
  }),
  z.object({ type: z.literal('project.deleted'), payload: z.object({ projectId: idSchema }) }),
]);
export type ProjectEventBody = z.infer<typeof projectEventBodySchema>;

const eventEnvelopeSchema = z.object({
  /** Monotonic across the database, in commit order: a resume cursor. */
  id: z.number().int().min(1),
  projectId: idSchema,
  actorId: idSchema.nullable(),
  /** The user the event is addressed to (a task's assignee), for `events.mine`. */
  recipientId: idSchema.nullable(),
  /**
   * The id of the project's event before this one (null for its first): a subscriber that
   * has seen a smaller id last knows it missed something and reads it from the log.
   */
  previousId: z.number().int().min(1).nullable(),
  /** Likewise for the recipient's own stream (`events.mine`). */
  previousRecipientEventId: z.number().int().min(1).nullable(),
  createdAt: timestampSchema,
});

export const projectEventSchema = z.intersection(eventEnvelopeSchema, projectEventBodySchema);
export type ProjectEvent = z.infer<typeof eventEnvelopeSchema> & ProjectEventBody;
