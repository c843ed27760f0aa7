import { z } from 'zod';
import { createSession, createUser, DELETED_HANDLE_PREFIX, findUserByHandle, revokeSession } from '@parley/db';
import { AppError, DisplayNameSchema, HandleSchema, PasswordSchema } from '@parley/protocol';
import type { ApiContext } from '../context.ts';
import { hashSessionToken, newSessionToken } from '../auth/session-token.ts';
import { protectedProcedure, publicProcedure, router } from '../trpc.ts';

// Handles are stored lowercase; accept any case and surrounding spaces at sign-up and sign-in.
const HandleInputSchema = z.string().trim().toLowerCase().pipe(HandleSchema);
// Deleted accounts are renamed `deleted_<id>`: nobody may take a handle that looks like one.
const NewHandleSchema = HandleInputSchema.refine((h) => !h.startsWith(DELETED_HANDLE_PREFIX), `Handles starting with ${DELETED_HANDLE_PREFIX} are reserved`);

async function startSession(ctx: ApiContext, userId: string): Promise<void> {
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + ctx.sessionTtlMs);
  await createSession(ctx.db, { userId, tokenHash: hashSessionToken(token), expiresAt, userAgent: ctx.userAgent, ip: ctx.ip });
  ctx.cookie.set(token, expiresAt);
}

export const authRouter = router({
  signUp: publicProcedure
    .input(z.object({ handle: NewHandleSchema, displayName: DisplayNameSchema, password: PasswordSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.throttle('sign_up');
      const passwordHash = await ctx.passwords.hash(input.password);
      const user = await createUser(ctx.db, { handle: input.handle, displayName: input.displayName, passwordHash });
      await startSession(ctx, user.id);
      return { user };
    }),

  signIn: publicProcedure
    .input(z.object({ handle: z.string().trim().toLowerCase().max(64), password: z.string().max(256) }))
    .mutation(async ({ ctx, input }) => {
      // Counted before any work, per handle and per address, whether the password is right or not.
      await ctx.throttle('sign_in', input.handle);
      const found = await findUserByHandle(ctx.db, input.handle);
      if (!found) {
        await ctx.passwords.burn(input.password);
        throw new AppError('invalid_credentials');
      }
      if (!(await ctx.passwords.verify(found.passwordHash, input.password))) throw new AppError('invalid_credentials');
      await startSession(ctx, found.id);
      return { user: { id: found.id, handle: found.handle, displayName: found.displayName } };
    }),

  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    await revokeSession(ctx.db, ctx.session.id);
    ctx.cookie.clear();
    ctx.events.sessionRevoked(ctx.session.id);
    return { ok: true as const };
  }),

  me: publicProcedure.query(({ ctx }) => (ctx.session ? { user: ctx.session.user } : null)),
});
