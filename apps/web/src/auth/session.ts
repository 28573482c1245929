import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { User } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC, type Trpc } from '../trpc';

/** `auth.me`, cached a minute: every page and the route guard read the user from here. */
function currentUserQuery(trpc: Trpc) {
  return { ...trpc.auth.me.queryOptions(), staleTime: 60_000 };
}

/**
 * The signed-in user, or null when there is no valid session (the cookie is httpOnly: asking
 * the API is the only way to know). Other errors propagate to the error screen.
 */
export async function loadCurrentUser(queryClient: QueryClient, trpc: Trpc): Promise<User | null> {
  try {
    return await queryClient.query(currentUserQuery(trpc));
  } catch (error) {
    if (appErrorOf(error).code === 'UNAUTHORIZED') return null;
    throw error;
  }
}

/** The user of a signed-in page (the route guard made sure there is one). */
export function useCurrentUser(): User | undefined {
  return useQuery(currentUserQuery(useTRPC())).data;
}
