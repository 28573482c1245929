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

export function isMembershipEvent(type: ProjectEventType): boolean {
  return membershipEventTypes.some((membership) => membership === type);
}

/** What a change says about itself; the data layer adds id, projectId, actorId and createdAt. */
export const projectEventBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task.created'), payload: z.object({ task: taskSchema }) }),
  z.object({ type: z.literal('task.updated'), payload: z.object({ task: taskSchema }) }),
  z.object({ type: z.literal('task.moved'), payload: z.object({ task: taskSchema }) }),
  z.object({ type: z.literal('task.deleted'), payload: z.object({ taskId: idSchema }) }),
  z.object({ type: z.literal('member.added'), payload: z.object({ member: memberSchema }) }),
  z.object({ type: z.literal('member.updated'), payload: z.object({ member: memberSchema }) }),
  z.object({ type: z.literal('member.removed'), payload: z.object({ userId: idSchema }) }),
  z.object({ type: z.literal('project.updated'), payload: z.object({ project: projectSchema }) }),
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
