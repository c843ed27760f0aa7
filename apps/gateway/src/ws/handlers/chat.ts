import { AppError, encodeChatOutcome, type ChatActionFrame, type ClientFrame, type EncodedFrame, type KnownEvent } from '@parley/protocol';
import { eventsAfter, isMember, markRead, type Audience, type MessageAction } from '@parley/db';
import type { Hub } from '@parley/realtime';
import { createTokenBucket } from '@parley/realtime';
import type { FrameHandlers, SocketSession } from '../socket-session.ts';
import type { SocketTyping } from './typing.ts';

// Actions (sends, edits, deletes, reactions): 10/s sustained, bursts of 30 (pasting a few lines
// quickly is normal).
const ACTION_RATE = { capacity: 30, refillPerSecond: 10 } as const;
/** Actions of one socket waiting for their commit; more are refused until some are answered. */
export const MAX_ACTIONS_IN_FLIGHT = 64;
const IN_FLIGHT_RETRY_AFTER_MS = 250;
const SYNC_PAGE_DEFAULT = 100;

type ChatFrame = Extract<ClientFrame, { type: `chat_${string}` }>;

/**
 * The conversation log from one socket: actions that append events (acked after commit,
 * published to every member socket, this one included, before the ack), catch-up reads, and
 * read positions.
 */
export function createChatHandlers(
  session: SocketSession,
  typing: SocketTyping,
  options: { now?: () => number } = {},
): FrameHandlers<ChatFrame> {
  const { writer, hub, db, metrics, push } = session.deps;
  const user = session.user;
  const bucket = createTokenBucket({ ...ACTION_RATE, ...(options.now ? { now: options.now } : {}) });
  let inFlight = 0;

  /**
   * Admission (rate and in-flight cap), the commit, then publish and ack. A duplicate is
   * published again: if the first publish was lost (a node died between commit and publish),
   * the retry is what makes the committed event reach everyone. Clients drop the copy by seq.
   */
  async function perform(
    frame: ChatActionFrame,
    commit: () => Promise<{ event?: KnownEvent; duplicate: boolean; audience?: Audience }>,
    committed?: () => void,
  ): Promise<void> {
    const rate = bucket.take();
    if (!rate.ok) throw new AppError('rate_limited', undefined, { retryAfterMs: rate.retryAfterMs });
    if (inFlight >= MAX_ACTIONS_IN_FLIGHT) {
      throw new AppError('rate_limited', 'Too many changes waiting for the database', { retryAfterMs: IN_FLIGHT_RETRY_AFTER_MS });
    }
    inFlight += 1;
    let outcome: { event?: KnownEvent; duplicate: boolean; audience?: Audience };
    try {
      outcome = await commit();
    } finally {
      inFlight -= 1;
    }
    const { event, duplicate } = outcome;
    committed?.();
    // The event serialized once, for the fan-out and the ack.
    const encoded = encodeChatOutcome(frame.clientId, duplicate, event);
    if (event && encoded.event) publishEvent(hub, event, encoded.event, outcome.audience);
    session.send(encoded.ack);
    if (event && !duplicate) {
      metrics.messagesCommitted.inc();
      // Queued, never awaited: the ack above is already on its way.
      push.eventCommitted(event);
    }
  }

  const apply = (frame: ChatActionFrame, action: MessageAction) => perform(frame, () => writer.apply(action));
  const base = (frame: ChatActionFrame & { messageId: string }) => ({
    actorId: user.id,
    conversationId: frame.conversationId,
    clientId: frame.clientId,
    messageId: frame.messageId,
  });

  return {
    chat_send: (frame) =>
      perform(
        frame,
        () =>
          writer.submit({
            senderId: user.id,
            conversationId: frame.conversationId,
            clientId: frame.clientId,
            body: frame.body,
            ...(frame.replyTo === undefined ? {} : { replyTo: frame.replyTo }),
            ...(frame.attachments === undefined ? {} : { attachments: frame.attachments }),
          }),
        // Sending ends typing there: the indicator goes before the message shows.
        () => typing.stopAfterSend(frame.conversationId),
      ),
    chat_edit: (frame) => apply(frame, { ...base(frame), kind: 'edit', body: frame.body }),
    chat_delete: (frame) => apply(frame, { ...base(frame), kind: 'delete' }),
    chat_react: (frame) => apply(frame, { ...base(frame), kind: 'react', emoji: frame.emoji, action: frame.action }),

    async chat_sync(frame) {
      if (!(await isMember(db, frame.conversationId, user.id))) throw new AppError('not_member');
      const page = await eventsAfter(db, {
        conversationId: frame.conversationId,
        afterSeq: frame.afterSeq,
        limit: frame.limit ?? SYNC_PAGE_DEFAULT,
        viewerId: user.id,
      });
      session.send({ type: 'chat_sync_result', conversationId: frame.conversationId, afterSeq: frame.afterSeq, ...page });
    },

    async chat_read(frame) {
      if (!(await isMember(db, frame.conversationId, user.id))) throw new AppError('not_member');
      const lastReadSeq = await markRead(db, { conversationId: frame.conversationId, userId: user.id, seq: frame.seq });
      // Every member hears it, coalesced per conversation: receipts for the others, badges for this user's other tabs.
      session.deps.readStates.announce(frame.conversationId, user.id, lastReadSeq);
    },
  };
}

/**
 * To every member socket, except when the event is about a message some members may not see
 * (history_visibility `since_joined`): they get a reply without its excerpt, and nothing of an
 * edit or reaction (their next sync steps over that seq: it is not theirs to see).
 */
function publishEvent(hub: Hub, event: KnownEvent, encoded: EncodedFrame, audience: Audience | undefined): void {
  if (!audience) return hub.publishToConversation(event.conversationId, encoded);
  hub.publishToUsers(audience.sees, encoded);
  if (event.kind === 'message_created') {
    hub.publishToUsers(audience.blind, { type: 'chat_event', event: { ...event, message: { ...event.message, replyTo: null } } });
  }
}
