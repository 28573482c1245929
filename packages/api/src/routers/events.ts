import { tracked } from '@trpc/server';
import { z } from 'zod';
import * as db from '@taskboard/db';
import {
  AppError,
  isAppError,
  isMembershipEvent,
  lastEventIdSchema,
  type ProjectEvent,
  type User,
} from '@taskboard/schema';
import type { AppDeps } from '../deps';
import { requireProjectRole } from '../domain/access';
import { toTRPCError } from '../errors';
import type { Unsubscribe } from '../bus';
import { followEvents, retryWhileUnavailable, type EventSource } from '../follow';
import { authedProcedure, router } from '../trpc';

/** Live events from one bus subscription, plus the bus's resync signals. */
function busListener(
  deps: AppDeps,
  subscribe: (listener: (event: ProjectEvent) => void) => Unsubscribe,
): EventSource['listen'] {
  return (push) => {
    const stopEvents = subscribe(push);
    const stopResync = deps.bus.onResync(() => {
      push('resync');
    });
    return () => {
      stopEvents();
      stopResync();
    };
  };
}

/**
 * A read a subscription cannot go on without, retried while the database is down: the
 * subscription waits (delivering nothing it has not checked) and goes on once it is back,
 * rather than ending with an error the client would have to recover from.
 */
function untilAvailable<T>(read: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return retryWhileUnavailable(read, { isUnavailable: db.isDatabaseUnavailable, signal });
}

/** Membership is re-read when an event may have changed it; a lost right ends the stream. */
async function assertStillVisible(
  deps: AppDeps,
  user: User,
  projectId: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await untilAvailable(() => requireProjectRole(deps, user, projectId, 'viewer'), signal);
  } catch (error) {
    if (isAppError(error)) {
      throw toTRPCError(new AppError('FORBIDDEN', 'You are no longer a member of this project'));
    }
    throw error;
  }
}

function concernsMembership(event: ProjectEvent, userId: string): boolean {
  return (
    (event.type === 'member.removed' && event.payload.userId === userId) ||
    (event.type === 'member.updated' && event.payload.member.userId === userId)
  );
}

export const eventsRouter = router({
  /** Every event of a project, replayed from `lastEventId`, then live. */
  project: authedProcedure
    .input(z.object({ projectId: z.uuid(), lastEventId: lastEventIdSchema }))
    .subscription(async function* ({ ctx, input, signal }) {
      const { deps } = ctx;
      const { user } = ctx.auth;
      await untilAvailable(
        () => requireProjectRole(deps, user, input.projectId, 'viewer'),
        signal,
      ).catch((error: unknown) => {
        throw isAppError(error) ? toTRPCError(error) : error;
      });
      const start =
        input.lastEventId ??
        (await untilAvailable(() => db.latestProjectEventId(deps.db, input.projectId), signal));
      const events = followEvents(
        {
          listen: busListener(deps, (push) => deps.bus.subscribeProject(input.projectId, push)),
          readAfter: (afterId, limit) =>
            db.listProjectEventsAfter(deps.db, input.projectId, afterId, limit),
          previousOf: (event) => event.previousId,
          isUnavailable: db.isDatabaseUnavailable,
        },
        start,
        signal,
      );
      for await (const event of events) {
        if (event.type === 'project.deleted') {
          yield tracked(String(event.id), event);
          return;
        }
        if (concernsMembership(event, user.id))
          await assertStillVisible(deps, user, input.projectId, signal);
        yield tracked(String(event.id), event);
      }
    }),

  /** Events addressed to the caller (tasks assigned to them), replayed from `lastEventId`, then live. */
  mine: authedProcedure
    .input(z.object({ lastEventId: lastEventIdSchema }).default({}))
    .subscription(async function* ({ ctx, input, signal }) {
      const { deps } = ctx;
      const { user } = ctx.auth;
      const start =
        input.lastEventId ??
        (await untilAvailable(() => db.latestRecipientEventId(deps.db, user.id), signal));
      const events = followEvents(
        {
          listen: busListener(deps, (push) => deps.bus.subscribeUser(user.id, push)),
          readAfter: (afterId, limit) =>
            db.listRecipientEventsAfter(deps.db, user.id, afterId, limit),
          previousOf: (event) => event.previousRecipientEventId,
          isUnavailable: db.isDatabaseUnavailable,
        },
        start,
        signal,
      );
      for await (const event of events) {
        // Membership events are addressed to the member for their project list
        // (events.myProjects); this feed stays the tasks assigned to the caller.
        if (isMembershipEvent(event.type)) continue;
        yield tracked(String(event.id), event);
      }
    }),
});
