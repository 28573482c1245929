import type { z } from 'zod';
import type { Member, Project, Task, ValidationDetails } from '../src/index';
import { validationDetails } from '../src/index';

export const ids = {
  project: '0f8fad5b-d9cb-469f-a165-70867728950e',
  task: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  user: '3b241101-e2bb-4255-8caf-4136c566a962',
  otherUser: '9f2c1a4e-5b6d-4e8f-a1b2-c3d4e5f60718',
} as const;

export const timestamp = '2026-11-23T10:00:00.000Z';

export const task: Task = {
  id: ids.task,
  projectId: ids.project,
  title: 'Calibrate the extruder',
  description: '',
  status: 'todo',
  priority: 'medium',
  assigneeId: null,
  dueDate: null,
  position: 'a0',
  version: 1,
  createdById: ids.user,
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const project: Project = {
  id: ids.project,
  name: '3D printer',
  description: '',
  status: 'active',
  ownerId: ids.user,
  isInbox: false,
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const member: Member = {
  projectId: ids.project,
  userId: ids.otherUser,
  role: 'editor',
  user: { id: ids.otherUser, email: 'grace@example.com', name: 'Grace' },
  createdAt: timestamp,
};

/** The `VALIDATION_ERROR` details a rejected input produces; fails the test if it is accepted. */
export function rejectionOf(schema: z.ZodType, input: unknown): ValidationDetails {
  const result = schema.safeParse(input);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  }
  return validationDetails(result.error.issues);
}

/** The paths a rejected input fails on. */
export function rejectedPaths(schema: z.ZodType, input: unknown): string[] {
  return Object.keys(rejectionOf(schema, input));
}
