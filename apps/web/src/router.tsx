import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import { z } from 'zod';
import { AppShell } from './AppShell';
import { loadCurrentUser } from './auth/session';
import { RegisterPage } from './auth/RegisterPage';
import { SignInPage } from './auth/SignInPage';
import { boardSearchSchema } from './board/search';
import type { Trpc } from './trpc';
import { NotFoundPage } from './ui/NotFoundPage';

export interface RouterContext {
  queryClient: QueryClient;
  trpc: Trpc;
}

// Pages behind sign-in load as their own chunks (the board brings drag and drop, virtual
// lists and dialogs): the first page a visitor gets, sign-in, stays small.
const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

/** Only a path inside this app may be a redirect target (never another site). */
const redirectSearchSchema = z.object({
  redirect: z
    .string()
    .regex(/^\/(?!\/)/)
    .optional()
    .catch(undefined),
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: redirectSearchSchema,
  component: SignInPage,
});

const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/register',
  validateSearch: redirectSearchSchema,
  component: RegisterPage,
});

/** Every page behind sign-in: without a session, go to sign-in and come back afterwards. */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    const user = await loadCurrentUser(context.queryClient, context.trpc);
    if (!user) redirect({ to: '/sign-in', search: { redirect: location.href }, throw: true });
  },
  component: AppShell,
});

const projectsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./projects/ProjectsPage'), 'ProjectsPage'),
});

const boardRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/projects/$projectId',
  validateSearch: boardSearchSchema,
  component: lazyRouteComponent(() => import('./board/BoardPage'), 'BoardPage'),
});

const membersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/projects/$projectId/members',
  component: lazyRouteComponent(() => import('./members/MembersPage'), 'MembersPage'),
});

const accountRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/account',
  component: lazyRouteComponent(() => import('./account/AccountPage'), 'AccountPage'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  registerRoute,
  signedInRoute.addChildren([projectsRoute, boardRoute, membersRoute, accountRoute]),
]);

/** The app's router; tests pass a memory history, the browser uses its own. */
export function createAppRouter(context: RouterContext, history?: RouterHistory) {
  return createRouter({
    routeTree,
    context,
    defaultPreload: 'intent',
    scrollRestoration: true,
    ...(history ? { history } : {}),
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
