import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, type MemberRole, type Project, type Task, type User } from '@taskboard/schema';
import {
  addMember,
  createInbox,
  createProject,
  createTask,
  createUser,
  runUnitOfWork,
  type Database,
  type NewTask,
} from '../../src/index';

/** A user with their Inbox, as registration makes them. */
export async function makeUser(db: Kysely<Database>, name = 'Ada'): Promise<User> {
  const { result } = await runUnitOfWork(db, null, async (uow) => {
    const user = await createUser(uow.trx, {
      email: `${name.toLowerCase()}-${randomUUID()}@example.com`,
      name,
      passwordHash: 'not-a-real-hash',
    });
    await createInbox(uow, user.id);
    return user;
  });
  return result;
}

/** A project owned by `owner`, with the other members added in the given roles. */
export async function makeProject(
  db: Kysely<Database>,
  owner: User,
  members: [User, MemberRole][] = [],
  name = 'Printer',
): Promise<Project> {
  const { result } = await runUnitOfWork(db, owner.id, async (uow) => {
    const project = await createProject(uow, { name, ownerId: owner.id });
    for (const [user, role] of members) await addMember(uow, project.id, user.id, role);
    return project;
  });
  return result;
}

export async function makeTask(
  db: Kysely<Database>,
  project: Project,
  actor: User,
  fields: Partial<NewTask> = {},
): Promise<Task> {
  const { result } = await runUnitOfWork(db, actor.id, (uow) =>
    createTask(uow, {
      projectId: project.id,
      title: 'Level the bed',
      description: '',
      status: 'todo',
      priority: 'medium',
      assigneeId: null,
      dueDate: null,
      createdById: actor.id,
      ...fields,
    }),
  );
  return result;
}

/** The AppError `promise` rejects with; fails the test if it resolves or throws anything else. */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection, but the promise resolved'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof AppError)) throw outcome;
  return outcome;
}
