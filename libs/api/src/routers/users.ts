import { z } from 'zod';
import { notificationSettingsOf, searchUsers, setDoNotDisturb, setPushContent } from '@parley/db';
import { MAX_DND_MS, PushContentSchema } from '@parley/protocol';
import { protectedProcedure, router } from '../trpc.ts';

/** `until` must lie ahead, at most MAX_DND_MS away (checked against the server's clock). */
const DndInput = z.object({
  until: z.iso
    .datetime({ offset: true, message: 'until must be an ISO 8601 time' })
    .refine((s) => Date.parse(s) > Date.now(), 'until must be in the future')
    .refine((s) => Date.parse(s) <= Date.now() + MAX_DND_MS, 'Do not disturb lasts at most 7 days')
    .nullable(),
});

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

  /** Your account-wide notification settings: `{dndUntil}` (null, or an ISO time ahead) and `pushContent`. */
  notificationSettings: protectedProcedure.query(({ ctx }) => notificationSettingsOf(ctx.db, ctx.session.user.id)),

  /** Do-not-disturb until a time (null: off). Every device of yours hears `settings_changed`. */
  setDoNotDisturb: protectedProcedure.input(DndInput).mutation(async ({ ctx, input }) => {
    const userId = ctx.session.user.id;
    const settings = await setDoNotDisturb(ctx.db, userId, input.until === null ? null : new Date(input.until));
    ctx.events.settingsChanged({ userId, ...settings });
    return settings;
  }),

  /** What a Web Push may show (`text` or only the `sender`). Every device of yours hears `settings_changed`. */
  setPushContent: protectedProcedure.input(z.object({ content: PushContentSchema })).mutation(async ({ ctx, input }) => {
    const userId = ctx.session.user.id;
    const settings = await setPushContent(ctx.db, userId, input.content);
    ctx.events.settingsChanged({ userId, ...settings });
    return settings;
  }),
});
