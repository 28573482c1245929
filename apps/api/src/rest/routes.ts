import { eventIdSchema } from '@taskboard/schema';
import { z } from 'zod';

/**
 * The REST surface (SPEC.md "Interfaces"), one entry per operation: which tRPC procedure
 * answers it, how its input is assembled from the request, and how its output is wrapped.
 * The procedures themselves are not repeated here: REST runs the very same procedures (auth,
 * input/output schemas, domain functions, error mapping, metrics) and only reshapes.
 */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path under `/api/v1`, OpenAPI style: `/projects/{id}`. */
  path: string;
  /** The tRPC procedure, e.g. `tasks.create`. */
  procedure: string;
  summary: string;
  tag: 'auth' | 'projects' | 'members' | 'tasks';
  /** The input field each path parameter fills (default: the parameter's own name). */
  params?: Record<string, string>;
  /** Where the rest of the input comes from: the JSON body, or the query string. */
  from: 'body' | 'query' | 'none';
  /**
   * 201 for creations, 204 for no body (sign-out); 200 otherwise. Deletions answer 200: their
   * body carries the id of the event they committed.
   */
  status?: 201 | 204;
  /**
   * The key the output is wrapped in (`{ "task": … }`); none: the output is the body. A write's
   * `eventId` stands next to the wrapper, not inside the resource (`restBody`).
   */
  wrap?: string;
  /** A route that needs no session (sign-up, sign-in). */
  public?: boolean;
}

export const restRoutes: readonly RestRoute[] = [
  {
    method: 'POST',
    path: '/auth/register',
    procedure: 'auth.register',
    summary: 'Create an account (and its Inbox) and sign in',
    tag: 'auth',
    from: 'body',
    status: 201,
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/login',
    procedure: 'auth.login',
    summary: 'Sign in; the body carries the session token for `Authorization: Bearer`',
    tag: 'auth',
    from: 'body',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/logout',
    procedure: 'auth.logout',
    summary: 'Sign out this session',
    tag: 'auth',
    from: 'none',
    status: 204,
  },
  {
    method: 'GET',
    path: '/auth/me',
    procedure: 'auth.me',
    summary: 'The signed-in user',
    tag: 'auth',
    from: 'none',
    wrap: 'user',
  },
  {
    method: 'GET',
    path: '/projects',
    procedure: 'projects.list',
    summary: 'Projects the caller is a member of',
    tag: 'projects',
    from: 'query',
    wrap: 'projects',
  },
  {
    method: 'POST',
    path: '/projects',
    procedure: 'projects.create',
    summary: 'Create a project (the caller becomes its owner)',
    tag: 'projects',
    from: 'body',
    status: 201,
    wrap: 'project',
  },
  {
    method: 'GET',
    path: '/projects/{id}',
    procedure: 'projects.get',
    summary: 'One project, with the caller’s role',
    tag: 'projects',
    from: 'none',
    wrap: 'project',
  },
  {
    method: 'PATCH',
    path: '/projects/{id}',
    procedure: 'projects.update',
    summary: 'Rename a project or change its description (owners)',
    tag: 'projects',
    from: 'body',
    wrap: 'project',
  },
  {
    method: 'DELETE',
    path: '/projects/{id}',
    procedure: 'projects.delete',
    summary: 'Delete a project with its tasks (owners)',
    tag: 'projects',
    from: 'none',
  },
  {
    method: 'POST',
    path: '/projects/{id}/archive',
    procedure: 'projects.archive',
    summary: 'Archive a project (`{"archived": false}` restores it) (owners)',
    tag: 'projects',
    from: 'body',
    wrap: 'project',
  },
  {
    method: 'GET',
    path: '/projects/{id}/board',
    procedure: 'board.get',
    summary: 'The board: three columns in position order with counts and cursors',
    tag: 'projects',
    params: { id: 'projectId' },
    from: 'query',
    wrap: 'board',
  },
  {
    method: 'GET',
    path: '/projects/{id}/members',
    procedure: 'members.list',
    summary: 'Members of a project',
    tag: 'members',
    params: { id: 'projectId' },
    from: 'none',
    wrap: 'members',
  },
  {
    method: 'POST',
    path: '/projects/{id}/members',
    procedure: 'members.add',
    summary: 'Add an existing user by email (owners)',
    tag: 'members',
    params: { id: 'projectId' },
    from: 'body',
    status: 201,
    wrap: 'member',
  },
  {
    method: 'PATCH',
    path: '/projects/{id}/members/{userId}',
    procedure: 'members.updateRole',
    summary: 'Change a member’s role (owners)',
    tag: 'members',
    params: { id: 'projectId' },
    from: 'body',
    wrap: 'member',
  },
  {
    method: 'DELETE',
    path: '/projects/{id}/members/{userId}',
    procedure: 'members.remove',
    summary: 'Remove a member (owners), or leave the project (yourself)',
    tag: 'members',
    params: { id: 'projectId' },
    from: 'none',
  },
  {
    method: 'GET',
    path: '/project-management/tasks',
    procedure: 'tasks.list',
    summary: 'Tasks of the caller’s projects: filters, sort and pages',
    tag: 'tasks',
    from: 'query',
  },
  {
    method: 'POST',
    path: '/project-management/tasks',
    procedure: 'tasks.create',
    summary: 'Create a task (in the Inbox when no projectId is given)',
    tag: 'tasks',
    from: 'body',
    status: 201,
    wrap: 'task',
  },
  {
    method: 'GET',
    path: '/project-management/tasks/{id}',
    procedure: 'tasks.get',
    summary: 'One task',
    tag: 'tasks',
    from: 'none',
    wrap: 'task',
  },
  {
    method: 'PATCH',
    path: '/project-management/tasks/{id}',
    procedure: 'tasks.update',
    summary: 'Change a task; send `expectedVersion` to be refused (409) if it changed meanwhile',
    tag: 'tasks',
    from: 'body',
    wrap: 'task',
  },
  {
    method: 'DELETE',
    path: '/project-management/tasks/{id}',
    procedure: 'tasks.delete',
    summary: 'Delete a task (`?expectedVersion=` guards against deleting a changed one)',
    tag: 'tasks',
    from: 'query',
  },
  {
    method: 'POST',
    path: '/project-management/tasks/{id}/move',
    procedure: 'tasks.move',
    summary: 'Move a task to a column, between two neighbours (`afterId`, `beforeId`)',
    tag: 'tasks',
    from: 'body',
    wrap: 'task',
  },
];

/** What a write's output carries besides its resource: the id of the event it committed. */
const committedSchema = z.looseObject({ eventId: eventIdSchema.nullable() });

/**
 * A REST answer's body: the output wrapped in `route.wrap`, with a write's `eventId` next to
 * the wrapper (`{ "task": {…}, "eventId": 12 }`): the resource is the same shape as a read's.
 */
export function restBody(route: RestRoute, data: unknown): unknown {
  if (!route.wrap) return data;
  const committed = committedSchema.safeParse(data);
  if (!committed.success) return { [route.wrap]: data };
  const { eventId, ...resource } = committed.data;
  return { [route.wrap]: resource, eventId };
}

/** `/projects/{id}` → `/projects/:id` (Fastify's form). */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The names of a path's parameters, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
}
