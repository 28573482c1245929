import type { AppRouter } from '@taskboard/api';
import { createTRPCContext, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';

/**
 * The typed tRPC hooks of the whole app: `useTRPC()` gives query/mutation options and query
 * keys for every procedure (`useQuery(trpc.board.get.queryOptions(...))`).
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type Trpc = TRPCOptionsProxy<AppRouter>;
