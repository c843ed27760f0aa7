import { z } from 'zod';
import {
  addMembers,
  createGroupConversation,
  getConversation,
  listConversations,
  openDirectConversation,
  removeMember,
  renameConversation,
  setMemberRole,
  setHistoryVisibility,
  setNotifyLevel,
} from '@parley/db';
import { HistoryVisibilitySchema, IdSchema, MemberRoleSchema, NotifyLevelSchema, type KnownEvent } from '@parley/protocol';
import type { ApiContext } from '../context.ts';
import { protectedProcedure, router } from '../trpc.ts';

/** People named in one createGroup or addMembers call; the group's own cap is ctx.maxGroupMembers. */
const MAX_MEMBERS_PER_REQUEST = 256;
const TitleSchema = z.string().trim().min(1, 'A group needs a title').max(100);
const ConversationInput = z.object({ conversationId: IdSchema });
/** Most conversations one page of `conversations.list` returns. */
export const MAX_CONVERSATIONS_PER_PAGE = 200;
/** No input: every conversation (as before paging). `limit`: one page, `before` the last item of the previous one. */
const ConversationListInput = z
  .object({
    limit: z.number().int().min(1).max(MAX_CONVERSATIONS_PER_PAGE),
    before: z.object({ lastActivityAt: z.iso.datetime({ offset: true }), id: IdSchema }).optional(),
  })
  .optional();

/**
 * Tells the realtime side, synchronously after the commit (no await in between): a removed
 * member's sockets on this node leave before any later event of the conversation can be
 * delivered to them here.
 */
function announce(
  ctx: ApiContext,
  conversationId: string,
  change: { memberIds: string[]; addedUserIds?: string[]; removedUserIds?: string[]; events?: KnownEvent[] },
): void {
  ctx.events.conversationChanged({
    conversationId,
    memberIds: change.memberIds,
    addedUserIds: change.addedUserIds ?? [],
    removedUserIds: change.removedUserIds ?? [],
    events: change.events ?? [],
  });
}

export const conversationsRouter = router({
  list: protectedProcedure
    .input(ConversationListInput)
    .query(({ ctx, input }) => listConversations(ctx.db, ctx.session.user.id, input === undefined ? undefined : { limit: input.limit, before: input.before })),

  get: protectedProcedure
    .input(ConversationInput)
    .query(({ ctx, input }) => getConversation(ctx.db, input.conversationId, ctx.session.user.id)),

  openDirect: protectedProcedure.input(z.object({ userId: IdSchema })).mutation(async ({ ctx, input }) => {
    const { conversationId, created } = await openDirectConversation(ctx.db, ctx.session.user.id, input.userId);
    const both = [ctx.session.user.id, input.userId];
    if (created) announce(ctx, conversationId, { memberIds: both, addedUserIds: both });
    return { conversationId };
  }),

  createGroup: protectedProcedure
    .input(z.object({ title: TitleSchema, memberIds: z.array(IdSchema).max(MAX_MEMBERS_PER_REQUEST) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.throttle('create_group');
      const { conversationId, events, memberIds } = await createGroupConversation(ctx.db, {
        creatorId: ctx.session.user.id,
        title: input.title,
        memberIds: input.memberIds,
        maxMembers: ctx.maxGroupMembers,
      });
      announce(ctx, conversationId, { memberIds, addedUserIds: memberIds, events });
      return { conversationId };
    }),

  addMembers: protectedProcedure
    .input(ConversationInput.extend({ userIds: z.array(IdSchema).min(1).max(MAX_MEMBERS_PER_REQUEST) }))
    .mutation(async ({ ctx, input }) => {
      const { added, events, memberIds } = await addMembers(ctx.db, {
        conversationId: input.conversationId,
        actorId: ctx.session.user.id,
        userIds: input.userIds,
        maxMembers: ctx.maxGroupMembers,
      });
      // Only people who were not members yet hear "added"; the others hear "updated".
      if (added.length > 0) announce(ctx, input.conversationId, { memberIds, addedUserIds: added, events });
      return { ok: true as const };
    }),

  removeMember: protectedProcedure
    .input(ConversationInput.extend({ userId: IdSchema }))
    .mutation(async ({ ctx, input }) => {
      const { events, memberIds } = await removeMember(ctx.db, {
        conversationId: input.conversationId,
        actorId: ctx.session.user.id,
        userId: input.userId,
      });
      announce(ctx, input.conversationId, { memberIds, removedUserIds: [input.userId], events });
      return { ok: true as const };
    }),

  setRole: protectedProcedure
    .input(ConversationInput.extend({ userId: IdSchema, role: MemberRoleSchema }))
    .mutation(async ({ ctx, input }) => {
      const { events, memberIds } = await setMemberRole(ctx.db, {
        conversationId: input.conversationId,
        actorId: ctx.session.user.id,
        userId: input.userId,
        role: input.role,
      });
      if (events.length > 0) announce(ctx, input.conversationId, { memberIds, events });
      return { ok: true as const };
    }),

  setHistoryVisibility: protectedProcedure
    .input(ConversationInput.extend({ visibility: HistoryVisibilitySchema }))
    .mutation(async ({ ctx, input }) => {
      const { events, memberIds } = await setHistoryVisibility(ctx.db, {
        conversationId: input.conversationId,
        actorId: ctx.session.user.id,
        visibility: input.visibility,
      });
      if (events.length > 0) announce(ctx, input.conversationId, { memberIds, events });
      return { ok: true as const };
    }),

  /** Your own alert level here; any member may set theirs, for nobody else. */
  setNotifications: protectedProcedure
    .input(ConversationInput.extend({ level: NotifyLevelSchema }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.session.user.id;
      await setNotifyLevel(ctx.db, { conversationId: input.conversationId, userId, level: input.level });
      ctx.events.memberSettingsChanged({ userId, conversationId: input.conversationId });
      return { ok: true as const };
    }),

  rename: protectedProcedure
    .input(ConversationInput.extend({ title: TitleSchema }))
    .mutation(async ({ ctx, input }) => {
      const { events, memberIds } = await renameConversation(ctx.db, {
        conversationId: input.conversationId,
        actorId: ctx.session.user.id,
        title: input.title,
      });
      if (events.length > 0) announce(ctx, input.conversationId, { memberIds, events });
      return { ok: true as const };
    }),
});
