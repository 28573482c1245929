import { authRouter } from './routers/auth';
import { boardRouter } from './routers/board';
import { eventsRouter } from './routers/events';
import { membersRouter } from './routers/members';
import { projectsRouter } from './routers/projects';
import { tasksRouter } from './routers/tasks';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  members: membersRouter,
  tasks: tasksRouter,
  board: boardRouter,
  events: eventsRouter,
});

/** The router's type: the one thing clients import from the API (as a type only). */
export type AppRouter = typeof appRouter;
