import { z } from 'zod';
import { searchUsers } from '@parley/db';
import { protectedProcedure, router } from '../trpc.ts';

const SEARCH_LIMIT = 20;

export const usersRouter = router({
  search: protectedProcedure
    .input(z.object({ query: z.string().trim().min(1).max(64) }))
    .query(({ ctx, input }) =>
      searchUsers(ctx.db, { query: input.query, excludeUserId: ctx.session.user.id, limit: SEARCH_LIMIT }),
    ),
});
