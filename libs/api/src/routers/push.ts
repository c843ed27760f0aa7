import { createECDH } from 'node:crypto';
import { z } from 'zod';
import { deletePushSubscription, savePushSubscription } from '@parley/db';
import { AppError } from '@parley/protocol';
import { checkPushEndpoint, MAX_ENDPOINT_CHARS } from '../push/push-endpoint.ts';
import { protectedProcedure, router } from '../trpc.ts';

const Base64Url = /^[A-Za-z0-9_-]+={0,2}$/;

/** Bytes of a base64url string (padding tolerated), or -1 when it is not base64url. */
function decodedLength(value: string): number {
  return Base64Url.test(value) ? Buffer.from(value.replace(/=+$/, ''), 'base64url').length : -1;
}

/** A point the server could not encrypt for would fail every push and never be cleaned up: refuse it now. */
function onP256Curve(value: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(value.replace(/=+$/, ''), 'base64url'));
    return true;
  } catch {
    return false;
  }
}

const EndpointSchema = z.string().min(1, 'endpoint is required').max(MAX_ENDPOINT_CHARS, `endpoint is at most ${MAX_ENDPOINT_CHARS} characters`);

/** PushSubscription.toJSON() as browsers give it; `expirationTime` is accepted and ignored. */
const SubscribeInput = z.object({
  endpoint: EndpointSchema,
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    // An uncompressed P-256 point: 65 bytes, 87 base64url characters.
    p256dh: z
      .string()
      .max(128, 'keys.p256dh is too long')
      .refine((v) => decodedLength(v) === 65 && onP256Curve(v), 'keys.p256dh must be a base64url P-256 public key (65 bytes)'),
    // The 16-byte authentication secret.
    auth: z
      .string()
      .max(64, 'keys.auth is too long')
      .refine((v) => decodedLength(v) === 16, 'keys.auth must be 16 bytes, base64url'),
  }),
});

/**
 * Push switched off (PUSH_ENABLED=false) answers `not_found` before anything else: a middleware
 * placed before `.input()` runs before the input is parsed, so a client learns "push is off",
 * not that its subscription was malformed.
 */
const pushOnProcedure = protectedProcedure.use(({ ctx, next }) => {
  const publicKey = ctx.push.publicKey;
  if (publicKey === null) throw new AppError('not_found', 'Web Push is turned off on this server');
  return next({ ctx: { publicKey } });
});

export const pushRouter = router({
  /** The server's VAPID public key (base64url), for PushManager.subscribe's applicationServerKey. */
  publicKey: pushOnProcedure.query(({ ctx }) => ({ publicKey: ctx.publicKey })),

  /** Stores this browser's subscription for the current session (replacing the session's previous one). */
  subscribe: pushOnProcedure.input(SubscribeInput).mutation(async ({ ctx, input }) => {
    checkPushEndpoint(input.endpoint, ctx.push.endpoints);
    await savePushSubscription(ctx.db, {
      userId: ctx.session.user.id,
      sessionId: ctx.session.id,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
    });
    ctx.events.pushSubscribed();
    return { ok: true as const };
  }),

  /** Forgets one of your subscriptions; `removed: false` when there was none with that endpoint. */
  unsubscribe: protectedProcedure.input(z.object({ endpoint: EndpointSchema })).mutation(async ({ ctx, input }) => {
    return { removed: await deletePushSubscription(ctx.db, ctx.session.user.id, input.endpoint) };
  }),
});
