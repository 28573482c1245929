import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';
import type {
  MemberRole,
  ProjectEventType,
  ProjectStatus,
  TaskPriority,
  TaskStatus,
  UserRole,
} from '@taskboard/schema';

/**
 * The database's tables as Kysely sees them. Column names are camelCase here and snake_case
 * in SQL; the CamelCasePlugin (connection.ts) translates. These are the only row types.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  projects: ProjectsTable;
  projectMembers: ProjectMembersTable;
  tasks: TasksTable;
  projectTaskCounts: ProjectTaskCountsTable;
  projectEvents: ProjectEventsTable;
}

/** A timestamp column the database fills in by default. */
type DefaultTimestamp = ColumnType<Date, Date | undefined, Date>;
/** Maintained by the database itself (generated columns, identity, triggers). */
type ReadOnly<T> = ColumnType<T, never, never>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: ColumnType<UserRole, UserRole | undefined, UserRole>;
  passwordHash: string;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
  lastLoginAt: Date | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session token; the token itself is never stored. */
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userAgent: string | null;
}

export interface ProjectsTable {
  id: Generated<string>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  status: ColumnType<ProjectStatus, ProjectStatus | undefined, ProjectStatus>;
  ownerId: string;
  /** Set on a user's personal Inbox project: that user's id. */
  inboxOf: string | null;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

export interface ProjectMembersTable {
  projectId: string;
  userId: string;
  role: MemberRole;
  createdAt: DefaultTimestamp;
}

export interface TasksTable {
  id: Generated<string>;
  projectId: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  status: TaskStatus;
  /** Generated from `status` so that one index orders a whole project's board. */
  statusRank: ReadOnly<number>;
  priority: TaskPriority;
  /** Generated from `priority` (low 0 … high 2) for an index-backed priority sort. */
  priorityRank: ReadOnly<number>;
  assigneeId: string | null;
  dueDate: Date | null;
  position: string;
  version: ColumnType<number, number | undefined, number>;
  createdById: string | null;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

/** Per-column task counts, kept exact by statement-level triggers on `tasks`. */
export interface ProjectTaskCountsTable {
  projectId: ReadOnly<string>;
  status: ReadOnly<TaskStatus>;
  /** bigint: `pg` returns it as a string, PGlite as a number. */
  count: ReadOnly<string | number>;
}

export interface ProjectEventsTable {
  id: ReadOnly<string | number>;
  projectId: string;
  type: ProjectEventType;
  actorId: string | null;
  /** The user the event is addressed to (a task's assignee), for `events.mine`. */
  recipientId: string | null;
  previousId: string | number | null;
  previousRecipientEventId: string | number | null;
  payload: ColumnType<unknown, string, never>;
  createdAt: DefaultTimestamp;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type TaskRow = Selectable<TasksTable>;

/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
