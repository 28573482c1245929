import { tracked } from '@trpc/server';
import { z } from 'zod';
import * as db from '@taskboard/db';
import {
  lastEventIdSchema,
  projectListEventTypes,
  type ProjectEvent,
  type ProjectListEvent,
} from '@taskboard/schema';
import type { EventBus, Unsubscribe } from '../bus';
import { followEvents, retryWhileUnavailable, type EventSource } from '../follow';
import { authedProcedure, router } from '../trpc';

function isProjectListEvent(event: ProjectEvent): event is ProjectListEvent {
  return projectListEventTypes.some((type) => type === event.type);
}

/** The member an event is about, for membership events. */
function memberOf(event: ProjectListEvent): string | null {
  switch (event.type) {
    case 'member.added':
    case 'member.updated':
      return event.payload.member.userId;
    case 'member.removed':
      return event.payload.userId;
    default:
      return null;
  }
}

/**
 * Live: the user's own channel (their membership events, addressed to them) and the channel
 * of each project they belong to (renames, archives, deletions). Project channels are joined
 * and left as the user's memberships come and go, whether the membership event arrived live
 * or from the log.
 */
function projectListChannels(bus: EventBus, userId: string) {
  const projects = new Map<string, Unsubscribe>();
  let push: ((item: ProjectEvent | 'resync') => void) | null = null;
  const follow = (projectId: string) => {
    if (projects.has(projectId)) return;
    projects.set(
      projectId,
      bus.subscribeProject(projectId, (event) => {
        if (event.type === 'project.updated' || event.type === 'project.deleted') push?.(event);
      }),
    );
  };
  const leave = (projectId: string) => {
    projects.get(projectId)?.();
    projects.delete(projectId);
  };
  /**
   * Whether the user may see the event now. A project's own events were queued while its
   * channel was joined, but a `member.removed` queued before them (two bus messages read in
   * one go) has left it by the time they come out of the queue: they are no longer theirs.
   */
  const admits = (event: ProjectListEvent) =>
    (event.type !== 'project.updated' && event.type !== 'project.deleted') ||
    projects.has(event.projectId);
  /** Keeps the joined channels in step with a membership change seen in the stream. */
  const apply = (event: ProjectListEvent) => {
    if (event.type === 'member.added' && memberOf(event) === userId) follow(event.projectId);
    if (event.type === 'member.removed' && memberOf(event) === userId) leave(event.projectId);
    if (event.type === 'project.deleted') leave(event.projectId);
  };
  const listen =
    (projectIds: Iterable<string>): EventSource['listen'] =>
    (sink) => {
      push = sink;
      for (const projectId of projectIds) follow(projectId);
      const stopUser = bus.subscribeUser(userId, (event) => {
        if (isProjectListEvent(event) && memberOf(event) === userId) sink(event);
      });
      const stopResync = bus.onResync(() => {
        sink('resync');
      });
      return () => {
        push = null;
        stopUser();
        stopResync();
        for (const stop of projects.values()) stop();
        projects.clear();
      };
    };
  return { listen, admits, apply };
}

/**
 * The feed of `userId`'s project list from `start`: `memberOf` are the projects they belong
 * to (read after `start`), `readAfter` reads the log. What `events.myProjects` yields.
 */
export async function* projectListFeed(options: {
  bus: EventBus;
  userId: string;
  memberOf: readonly string[];
  readAfter: EventSource['readAfter'];
  isUnavailable: EventSource['isUnavailable'];
  start: number;
  signal: AbortSignal | undefined;
}): AsyncGenerator<ProjectListEvent> {
  const channels = projectListChannels(options.bus, options.userId);
  const source: EventSource = {
    listen: channels.listen(options.memberOf),
    readAfter: options.readAfter,
    // Several streams joined: no one chain to find gaps by; the bus's resync re-reads.
    previousOf: () => null,
    isUnavailable: options.isUnavailable,
  };
  for await (const event of followEvents(source, options.start, options.signal)) {
    if (!isProjectListEvent(event) || !channels.admits(event)) continue;
    channels.apply(event);
    yield event;
  }
}

/**
 * `events.myProjects`: what changes the caller's project list, replayed from `lastEventId`,
 * then live: being added to a project, a role change, being removed (addressed to them), and
 * renames, archives and deletions of projects they are a member of. Authorization is the
 * membership itself: a project's events reach the caller only while they belong to it (its
 * channel is left on their `member.removed`, and the log replay joins today's memberships).
 */
export const projectListEventsRouter = router({
  myProjects: authedProcedure
    .input(z.object({ lastEventId: lastEventIdSchema }).default({}))
    .subscription(async function* ({ ctx, input, signal }) {
      const { deps } = ctx;
      const { user } = ctx.auth;
      // Like the other feeds, it waits through a database outage instead of ending.
      const untilAvailable = <T>(read: () => Promise<T>) =>
        retryWhileUnavailable(read, { isUnavailable: db.isDatabaseUnavailable, signal });
      const start = input.lastEventId ?? (await untilAvailable(() => db.latestEventId(deps.db)));
      // Read after `start`: a membership that changes in between is in the log replay.
      const member = await untilAvailable(() =>
        db.listProjects(deps.db, user.id, { includeArchived: true }),
      );
      const feed = projectListFeed({
        bus: deps.bus,
        userId: user.id,
        memberOf: member.map((project) => project.id),
        readAfter: (afterId, limit) =>
          db.listProjectListEventsAfter(deps.db, user.id, afterId, limit),
        isUnavailable: db.isDatabaseUnavailable,
        start,
        signal,
      });
      for await (const event of feed) yield tracked(String(event.id), event);
    }),
});
