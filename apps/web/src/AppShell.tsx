import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import type { ReactElement } from 'react';
import { useCurrentUser } from './auth/session';
import { appErrorOf } from './errors';
import { useTRPC } from './trpc';
import { ConnectionIndicator } from './ui/ConnectionIndicator';
import { useToast } from './ui/toast';

/** The frame of every signed-in page: where you are, who you are, whether you are live. */
export function AppShell(): ReactElement {
  const trpc = useTRPC();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const signOut = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate({ to: '/sign-in' });
      },
      onError: (error) => {
        toast({
          title: 'Could not sign out',
          description: appErrorOf(error).message,
          tone: 'error',
        });
      },
    }),
  );
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <Link to="/" className="brand">
          Taskboard
        </Link>
        <nav aria-label="Main" className="shell-nav">
          <Link to="/" activeOptions={{ exact: true }}>
            Projects
          </Link>
          <Link to="/account">Account</Link>
        </nav>
        <div className="shell-end">
          <ConnectionIndicator />
          {user ? (
            <span className="shell-user" title={user.email} dir="auto">
              {user.name}
            </span>
          ) : null}
          <button
            type="button"
            className="btn btn-quiet"
            disabled={signOut.isPending}
            onClick={() => {
              signOut.mutate();
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}
