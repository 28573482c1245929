import { describe, expect, it } from 'vitest';
import type { ProjectEventBody } from '../src/index';
import { projectEventBodySchema, projectEventSchema, projectEventTypes } from '../src/index';
import { ids, member, project, rejectedPaths, rejectionOf, task, timestamp } from './fixtures';

/** One valid event body of each type. */
const bodies: ProjectEventBody[] = [
  { type: 'task.created', payload: { task } },
  {
    type: 'task.updated',
    payload: { task: { ...task, title: 'Renamed', version: 2 }, previous: { title: task.title } },
  },
  {
    type: 'task.moved',
    payload: {
      task: { ...task, status: 'done', position: 'a1', version: 3 },
      previous: { status: task.status, position: task.position },
    },
  },
  { type: 'task.deleted', payload: { taskId: ids.task, previous: task } },
  { type: 'member.added', payload: { member } },
  {
    type: 'member.updated',
    payload: { member: { ...member, role: 'viewer' }, previous: { role: member.role } },
  },
  { type: 'member.removed', payload: { userId: ids.otherUser, previous: member } },
  {
    type: 'project.updated',
    payload: { project: { ...project, status: 'archived' }, previous: { status: 'active' } },
  },
  { type: 'project.deleted', payload: { projectId: ids.project } },
];

const envelope = {
  id: 42,
  projectId: ids.project,
  actorId: ids.user,
  recipientId: null,
  previousId: 41,
  previousRecipientEventId: null,
  createdAt: timestamp,
};

describe('projectEventBodySchema', () => {
  it('has one member per event type of SPEC.md', () => {
    expect(projectEventBodySchema.options.map((option) => option.shape.type.value)).toEqual([
      ...projectEventTypes,
    ]);
    expect(bodies.map((body) => body.type)).toEqual([...projectEventTypes]);
  });

  it.each(bodies.map((body) => [body.type, body] as const))(
    'parses a %s payload',
    (_type, body) => {
      expect(projectEventBodySchema.parse(body)).toEqual(body);
    },
  );

  it.each([
    ['task.created', { taskId: ids.task }, 'payload.task'],
    ['task.moved', { task: { ...task, status: 'archived' } }, 'payload.task.status'],
    ['task.deleted', { task }, 'payload.taskId'],
    ['member.added', { userId: ids.otherUser }, 'payload.member'],
    ['member.updated', { member: { ...member, role: 'admin' } }, 'payload.member.role'],
    ['member.removed', { member }, 'payload.userId'],
    ['project.updated', { projectId: ids.project }, 'payload.project'],
    ['project.deleted', { projectId: 'inbox' }, 'payload.projectId'],
  ])('rejects a %s event whose payload is %j', (type, payload, path) => {
    expect(rejectedPaths(projectEventBodySchema, { type, payload })).toEqual([path]);
  });

  it.each([
    ['task.moved', { task, previous: { status: task.status } }, 'payload.previous.position'],
    ['task.updated', { task, previous: { status: 'archived' } }, 'payload.previous.status'],
    ['task.deleted', { taskId: ids.task, previous: { status: 'todo' } }, 'payload.previous.id'],
    ['member.updated', { member, previous: { role: 'admin' } }, 'payload.previous.role'],
  ])('rejects a %s event with bad previous values %j', (type, payload, path) => {
    expect(rejectedPaths(projectEventBodySchema, { type, payload })).toContain(path);
  });

  // Rows logged before events carried previous values still replay: `previous` reads as null.
  it.each([
    ['task.updated', { task }],
    ['task.moved', { task }],
    ['task.deleted', { taskId: ids.task }],
    ['member.updated', { member }],
    ['member.removed', { userId: ids.otherUser }],
    ['project.updated', { project }],
  ])('reads a %s logged without previous values as previous: null', (type, payload) => {
    expect(projectEventBodySchema.parse({ type, payload })).toEqual({
      type,
      payload: { ...payload, previous: null },
    });
  });

  it('narrows previous by type', () => {
    const body = projectEventBodySchema.parse(bodies[2]);
    // Compiles only because `task.moved` types previous as { status, position }.
    if (body.type === 'task.moved') expect(body.payload.previous?.status).toBe(task.status);
  });

  it.each(['task.archived', 'TASK.CREATED', '', undefined])('rejects the event type %j', (type) => {
    expect(rejectedPaths(projectEventBodySchema, { type, payload: { task } })).toEqual(['type']);
  });

  it('rejects an event without a payload', () => {
    expect(rejectedPaths(projectEventBodySchema, { type: 'task.deleted' })).toEqual(['payload']);
  });
});

describe('projectEventSchema', () => {
  it('joins the envelope with each body', () => {
    for (const body of bodies) {
      expect(projectEventSchema.parse({ ...envelope, ...body })).toEqual({ ...envelope, ...body });
    }
  });

  it('allows a system change with no actor', () => {
    expect(
      projectEventSchema.parse({ ...envelope, actorId: null, ...bodies[3] }).actorId,
    ).toBeNull();
  });

  it("addresses an event to a user and links it to the project's and the user's previous event", () => {
    const first = { ...envelope, id: 1, previousId: null, ...bodies[0] };
    expect(projectEventSchema.parse(first).previousId).toBeNull();
    const addressed = {
      ...envelope,
      recipientId: ids.otherUser,
      previousRecipientEventId: 7,
      ...bodies[1],
    };
    expect(projectEventSchema.parse(addressed)).toMatchObject({
      recipientId: ids.otherUser,
      previousRecipientEventId: 7,
    });
  });

  it.each(['previousId', 'previousRecipientEventId'])(
    'rejects %s 0 (event ids start at 1)',
    (field) => {
      expect(rejectedPaths(projectEventSchema, { ...envelope, [field]: 0, ...bodies[3] })).toEqual([
        field,
      ]);
    },
  );

  it.each([0, -1, 1.5])('rejects the event id %j (ids start at 1 and are resume cursors)', (id) => {
    expect(rejectionOf(projectEventSchema, { ...envelope, id, ...bodies[3] })).toHaveProperty([
      'id',
    ]);
  });

  it('rejects an envelope-only event', () => {
    expect(projectEventSchema.safeParse(envelope).success).toBe(false);
  });
});
