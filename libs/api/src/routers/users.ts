import { z } from 'zod';
import { searchUsers } from '@parley/db';
import { protectedProcedure, router } from '../trpc.ts';

const SEARCH_LIMIT = 20;
/** Shorter queries would let anyone page through the whole directory in a few hundred calls. */
export const MIN_SEARCH_CHARS = 3;

export const usersRouter = router({
  search: protectedProcedure
    .input(z.object({ query: z.string().trim().min(MIN_SEARCH_CHARS, `Type at least ${MIN_SEARCH_CHARS} characters`).max(64) }))
    .query(async ({ ctx, input }) => {
      await ctx.throttle('search');
      return searchUsers(ctx.db, { query: input.query, excludeUserId: ctx.session.user.id, limit: SEARCH_LIMIT });
    }),
});
