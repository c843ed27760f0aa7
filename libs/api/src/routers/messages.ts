import { z } from 'zod';
import { historyPage, isMember } from '@parley/db';
import { AppError, IdSchema, SeqSchema } from '@parley/protocol';
import { protectedProcedure, router } from '../trpc.ts';

const MAX_HISTORY_PAGE = 100;
const DEFAULT_HISTORY_PAGE = 50;

export const messagesRouter = router({
  /** Newest page first: omit beforeSeq for the latest messages, then pass the oldest seq you hold. */
  history: protectedProcedure
    .input(
      z.object({
        conversationId: IdSchema,
        beforeSeq: SeqSchema.optional(),
        limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(DEFAULT_HISTORY_PAGE),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (!(await isMember(ctx.db, input.conversationId, ctx.session.user.id))) throw new AppError('not_member');
      return historyPage(ctx.db, { ...input, viewerId: ctx.session.user.id });
    }),
});
