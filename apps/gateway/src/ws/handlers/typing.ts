import { AppError, TYPING_TTL_MS, type TypingFrame } from '@parley/protocol';
import { isMember } from '@parley/db';
import { createTypingThrottle } from '@parley/realtime';
import type { SocketSession } from '../socket-session.ts';

// Typing for a conversation we just found the user is not in is refused from memory this long.
const NOT_MEMBER_CACHE_MS = 5000;

export interface SocketTyping {
  /** The `typing` frame: throttled first (no database work for a flood), then authorized. */
  onFrame(frame: TypingFrame): Promise<void>;
  /** A message from this socket ends its typing there, for everyone watching. */
  stopAfterSend(conversationId: string): void;
  /** The socket closed: every indicator it shows goes away now, not after its TTL. */
  stopAll(): void;
}

/** This socket's typing indicators: what it shows others, throttled per conversation. */
export function createSocketTyping(session: SocketSession): SocketTyping {
  const { typingUpdates, db } = session.deps;
  const throttle = createTypingThrottle();
  const notMemberUntil = new Map<string, number>();

  function publish(conversationId: string, active: boolean, options?: { now: boolean }): void {
    if (!active) throttle.clear(conversationId);
    typingUpdates.announce(conversationId, { userId: session.user.id, active, expiresInMs: active ? TYPING_TTL_MS : 0 }, options);
  }

  return {
    async onFrame(frame) {
      // Refused recently: answer from memory, so a non-member's flood costs no query either.
      const refusedUntil = notMemberUntil.get(frame.conversationId);
      if (refusedUntil !== undefined && refusedUntil > Date.now()) throw new AppError('not_member');
      if (!throttle.accept(frame.conversationId, frame.active)) return;
      if (!(await isMember(db, frame.conversationId, session.user.id))) {
        throttle.clear(frame.conversationId);
        notMemberUntil.set(frame.conversationId, Date.now() + NOT_MEMBER_CACHE_MS);
        throw new AppError('not_member');
      }
      publish(frame.conversationId, frame.active);
    },
    stopAfterSend(conversationId) {
      // Not paced: the stop goes out before the message's chat_event (PROTOCOL.md §6.11).
      if (throttle.activeConversations().includes(conversationId)) publish(conversationId, false, { now: true });
    },
    stopAll() {
      for (const conversationId of throttle.activeConversations()) publish(conversationId, false);
    },
  };
}
