import { z } from 'zod';
import { IdSchema } from './models.ts';

/** Bumped only if a service worker written for this shape could no longer read a push. */
export const PUSH_PAYLOAD_VERSION = 1;

/**
 * The JSON a Web Push carries (encrypted aes128gcm, RFC 8291), as the service worker reads it.
 * `title` and `body` are ready to show and never hold more than the user's `pushContent` allows.
 * Unknown fields may be added later; a worker ignores them.
 */
export const PushPayloadSchema = z.object({
  v: z.literal(PUSH_PAYLOAD_VERSION),
  /** `message`: a DM or a mention (or any message at level `all`); `call`: ringing now; `missed_call`: it stopped unanswered. */
  kind: z.enum(['message', 'call', 'missed_call']),
  conversationId: IdSchema,
  /** The message's seq (kind `message`). */
  seq: z.number().int().nonnegative().optional(),
  /** The call (kinds `call` and `missed_call`). */
  callId: IdSchema.optional(),
  title: z.string(),
  body: z.string(),
  /** One notification per conversation: a push with the same tag replaces the one shown. */
  tag: z.string(),
  /** Alert again (sound, vibration) when replacing; false for quiet updates such as a missed call. */
  renotify: z.boolean(),
  /** A path on the Parley origin to open on click. */
  url: z.string().startsWith('/'),
  sentAt: z.iso.datetime({ offset: true }),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** The notification tag of a conversation: its messages and calls replace each other. */
export function pushTag(conversationId: string): string {
  return `parley:${conversationId}`;
}
