import { tracked } from '@trpc/server';
import { z } from 'zod';
import * as db from '@taskboard/db';
import { AppError, isAppError, type ProjectEvent, type User } from '@taskboard/schema';
import type { AppDeps } from '../deps';
import { requireProjectRole } from '../domain/access';
import { toTRPCError } from '../errors';
import type { Unsubscribe } from '../events/bus';
import { followEvents, type EventSource } from '../live/follow';
import { authedProcedure, router } from '../trpc';

/**
 * An event id to resume after. tRPC hands back the last `tracked` id as a string on
 * reconnect; clients may send a number.
 */
const lastEventIdSchema = z
  .union([
    z.number().int().min(0),
    z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number),
  ])
  .nullish();

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

/** Membership is re-read when an event may have changed it; a lost right ends the stream. */
async function assertStillVisible(deps: AppDeps, user: User, projectId: string): Promise<void> {
  try {
    await requireProjectRole(deps, user, projectId, 'viewer');
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
      await requireProjectRole(deps, user, input.projectId, 'viewer').catch((error: unknown) => {
        throw isAppError(error) ? toTRPCError(error) : error;
      });
      const start = input.lastEventId ?? (await db.latestProjectEventId(deps.db, input.projectId));
      const events = followEvents(
        {
          listen: busListener(deps, (push) => deps.bus.subscribeProject(input.projectId, push)),
          readAfter: (afterId, limit) =>
            db.listProjectEventsAfter(deps.db, input.projectId, afterId, limit),
          previousOf: (event) => event.previousId,
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
          await assertStillVisible(deps, user, input.projectId);
        yield tracked(String(event.id), event);
      }
    }),

  /** Events addressed to the caller (tasks assigned to them), replayed from `lastEventId`, then live. */
  mine: authedProcedure
    .input(z.object({ lastEventId: lastEventIdSchema }).default({}))
    .subscription(async function* ({ ctx, input, signal }) {
      const { deps } = ctx;
      const { user } = ctx.auth;
      const start = input.lastEventId ?? (await db.latestRecipientEventId(deps.db, user.id));
      const events = followEvents(
        {
          listen: busListener(deps, (push) => deps.bus.subscribeUser(user.id, push)),
          readAfter: (afterId, limit) =>
            db.listRecipientEventsAfter(deps.db, user.id, afterId, limit),
          previousOf: (event) => event.previousRecipientEventId,
        },
        start,
        signal,
      );
      for await (const event of events) yield tracked(String(event.id), event);
    }),
});
