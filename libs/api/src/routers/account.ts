import { z } from 'zod';
import {
  changePasswordHash,
  contactIdsOf,
  deleteAccount,
  listActiveSessions,
  passwordHashOf,
  revokeOtherSessions,
  revokeUserSession,
  updateDisplayName,
} from '@parley/db';
import { AppError, DisplayNameSchema, IdSchema, PasswordSchema } from '@parley/protocol';
import type { ApiContext } from '../context.ts';
import { protectedProcedure, router } from '../trpc.ts';

type SignedIn = ApiContext & { session: NonNullable<ApiContext['session']> };

/**
 * Checks the signed-in user's current password, throttled like sign-in (per user: an attacker
 * holding a stolen cookie gets as few guesses as one trying a handle). Returns the hash checked.
 */
async function checkPassword(ctx: SignedIn, password: string): Promise<string> {
  await ctx.throttle('password', ctx.session.user.id);
  const hash = await passwordHashOf(ctx.db, ctx.session.user.id);
  if (hash === null) throw new AppError('not_found', 'User not found');
  if (!(await ctx.passwords.verify(hash, password))) throw new AppError('invalid_credentials', 'Current password is wrong');
  return hash;
}

export const accountRouter = router({
  /** Your live sessions, this one marked `current`. */
  sessions: protectedProcedure.query(async ({ ctx }) => {
    const sessions = await listActiveSessions(ctx.db, ctx.session.user.id);
    return sessions.map((s) => ({ ...s, current: s.id === ctx.session.id }));
  }),

  /** Signs one of your sessions out (its sockets close with 4001 on every node). */
  revokeSession: protectedProcedure.input(z.object({ sessionId: IdSchema })).mutation(async ({ ctx, input }) => {
    if (!(await revokeUserSession(ctx.db, ctx.session.user.id, input.sessionId))) throw new AppError('not_found', 'No such session');
    ctx.events.sessionRevoked(input.sessionId);
    if (input.sessionId === ctx.session.id) ctx.cookie.clear();
    return { ok: true as const };
  }),

  /** Signs out every session but this one. */
  revokeOtherSessions: protectedProcedure.mutation(async ({ ctx }) => {
    const revoked = await revokeOtherSessions(ctx.db, ctx.session.user.id, ctx.session.id);
    for (const sessionId of revoked) ctx.events.sessionRevoked(sessionId);
    return { revoked: revoked.length };
  }),

  /** Needs the current password; every other session is signed out, this one stays. */
  changePassword: protectedProcedure
    .input(z.object({ currentPassword: z.string().max(256), newPassword: PasswordSchema }))
    .mutation(async ({ ctx, input }) => {
      const expectedHash = await checkPassword(ctx, input.currentPassword);
      if (input.newPassword === input.currentPassword) throw new AppError('invalid_input', 'The new password is the same as the current one');
      const newHash = await ctx.passwords.hash(input.newPassword);
      const revoked = await changePasswordHash(ctx.db, { userId: ctx.session.user.id, expectedHash, newHash, keepSessionId: ctx.session.id });
      for (const sessionId of revoked) ctx.events.sessionRevoked(sessionId);
      return { revoked: revoked.length };
    }),

  /** Changes your display name; everyone who shares a conversation with you sees it live. */
  updateProfile: protectedProcedure.input(z.object({ displayName: DisplayNameSchema })).mutation(async ({ ctx, input }) => {
    const user = await updateDisplayName(ctx.db, ctx.session.user.id, input.displayName);
    ctx.events.userUpdated(user, await contactIdsOf(ctx.db, user.id));
    return { user };
  }),

  /** Deletes your account (needs your password). See PROTOCOL.md, "Deleting an account". */
  delete: protectedProcedure.input(z.object({ password: z.string().max(256) })).mutation(async ({ ctx, input }) => {
    await checkPassword(ctx, input.password);
    const deletion = await deleteAccount(ctx.db, ctx.session.user.id);
    for (const group of deletion.groupsLeft) {
      ctx.events.conversationChanged({
        conversationId: group.conversationId,
        memberIds: group.memberIds,
        addedUserIds: [],
        removedUserIds: [deletion.user.id],
        events: group.events,
      });
    }
    ctx.events.userUpdated(deletion.user, deletion.contactIds);
    for (const sessionId of deletion.sessionIds) ctx.events.sessionRevoked(sessionId);
    ctx.cookie.clear();
    return { ok: true as const };
  }),
});
