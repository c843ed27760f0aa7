import type { ServerFrame, TypingState } from '@parley/protocol';
import { createConversationCoalescer } from './conversation-coalescer.ts';

/**
 * At most one typing announcement per conversation per this long on a node (PROTOCOL.md
 * §6.11): a lone start or stop after a quiet moment goes out at once, several typists at once
 * go out together. Each typist already sends at most one start a second, but in a big group
 * every typist still cost a frame to every member.
 */
export const TYPING_BATCH_INTERVAL_MS = 250;

export interface TypingAnnouncer {
  /**
   * A member's indicator in a conversation, as the socket's throttle let it through. `now`
   * for the stop that must reach everyone before the typist's message (PROTOCOL.md §6.11).
   */
  announce(conversationId: string, state: TypingState, options?: { now?: boolean }): void;
  /** Sends what is waiting now and stops the timers (shutdown). */
  close(): void;
}

/**
 * One `typing_update` for a lone typist, one `typing_batch` for several. A typist who started
 * and stopped within one interval counts once, with the latest state: the indicator the
 * others would have shown for a moment never appears.
 */
export function createTypingAnnouncer(deps: { publish: (conversationId: string, frame: ServerFrame) => void; intervalMs?: number }): TypingAnnouncer {
  const coalescer = createConversationCoalescer<TypingState>({
    intervalMs: deps.intervalMs ?? TYPING_BATCH_INTERVAL_MS,
    send(conversationId, entries) {
      const updates = entries.map(([, state]) => state);
      const [only] = updates;
      if (updates.length === 1 && only) deps.publish(conversationId, { type: 'typing_update', conversationId, ...only });
      else deps.publish(conversationId, { type: 'typing_batch', conversationId, updates });
    },
  });
  return {
    announce: (conversationId, state, options) => coalescer.add(conversationId, state.userId, state, options),
    close: () => coalescer.close(),
  };
}
