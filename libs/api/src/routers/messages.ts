import { z } from 'zod';
import { historyPage, historyWindow, isMember, searchMessages } from '@parley/db';
import { AppError, IdSchema, MessageSearchInputSchema, SeqSchema } from '@parley/protocol';
import { protectedProcedure, router } from '../trpc.ts';

const MAX_HISTORY_PAGE = 100;
const DEFAULT_HISTORY_PAGE = 50;

const HistoryInputSchema = z
  .object({
    conversationId: IdSchema,
    beforeSeq: SeqSchema.optional(),
    afterSeq: SeqSchema.optional(),
    aroundSeq: SeqSchema.optional(),
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(DEFAULT_HISTORY_PAGE),
  })
  .refine((i) => [i.beforeSeq, i.afterSeq, i.aroundSeq].filter((v) => v !== undefined).length <= 1, {
    message: 'Give at most one of beforeSeq, afterSeq and aroundSeq',
    path: ['aroundSeq'],
  });

export const messagesRouter = router({
  /**
   * Newest page first: omit every cursor for the latest messages, then pass the oldest seq you
   * hold as beforeSeq. aroundSeq opens the log at a message (a search hit); afterSeq pages
   * forwards from there until `hasNewer` is false.
   */
  history: protectedProcedure.input(HistoryInputSchema).query(async ({ ctx, input }) => {
    if (!(await isMember(ctx.db, input.conversationId, ctx.session.user.id))) throw new AppError('not_member');
    const { conversationId, limit } = input;
    const viewerId = ctx.session.user.id;
    if (input.aroundSeq !== undefined) return historyWindow(ctx.db, { conversationId, limit, viewerId, aroundSeq: input.aroundSeq });
    if (input.afterSeq !== undefined) return historyWindow(ctx.db, { conversationId, limit, viewerId, afterSeq: input.afterSeq });
    const page = await historyPage(ctx.db, { conversationId, limit, viewerId, ...(input.beforeSeq === undefined ? {} : { beforeSeq: input.beforeSeq }) });
    // The newest page reaches the head by definition; an older page is followed by what the reader holds.
    return { ...page, hasNewer: input.beforeSeq !== undefined };
  }),

  /** Messages the caller may see, by relevance and recency (PROTOCOL.md "Searching messages"). */
  search: protectedProcedure.input(MessageSearchInputSchema).query(async ({ ctx, input }) => {
    await ctx.throttle('message_search');
    const userId = ctx.session.user.id;
    if (input.conversationId !== undefined && !(await isMember(ctx.db, input.conversationId, userId))) throw new AppError('not_member');
    return searchMessages(ctx.db, { ...input, userId });
  }),
});
