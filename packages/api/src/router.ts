import { authRouter } from './routers/auth';
import { boardRouter } from './routers/board';
import { eventsRouter } from './routers/events';
import { membersRouter } from './routers/members';
import { projectListEventsRouter } from './routers/project-list-events';
import { projectsRouter } from './routers/projects';
import { tasksRouter } from './routers/tasks';
import { mergeRouters, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  members: membersRouter,
  tasks: tasksRouter,
  board: boardRouter,
  events: mergeRouters(eventsRouter, projectListEventsRouter),
});

/** The router's type: the one thing clients import from the API (as a type only). */
export type AppRouter = typeof appRouter;
