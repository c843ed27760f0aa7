import type { ServerFrame } from '@parley/protocol';
import { createConversationCoalescer } from './conversation-coalescer.ts';

/**
 * At most one read announcement per conversation per this long on a node (PROTOCOL.md §6.7).
 * A lone `chat_read` after a quiet moment still goes out at once; when many members read at
 * about the same time (a new message in a 1,000-member group), their positions go out
 * together in the next announcement.
 */
export const READ_STATE_BATCH_INTERVAL_MS = 250;

export interface ReadStateAnnouncer {
  /** A member's stored read position after a `chat_read` (clamped, never backwards). */
  announce(conversationId: string, userId: string, lastReadSeq: number): void;
  /** Sends what is waiting now and stops the timers (shutdown). */
  close(): void;
}

/**
 * One `read_state` for a lone reader, one `read_state_batch` for several. A reader who read
 * twice counts once, with the higher position (positions only move forward, and clients apply
 * them with `max`).
 */
export function createReadStateAnnouncer(deps: {
  publish: (conversationId: string, frame: ServerFrame) => void;
  intervalMs?: number;
}): ReadStateAnnouncer {
  const coalescer = createConversationCoalescer<number>({
    intervalMs: deps.intervalMs ?? READ_STATE_BATCH_INTERVAL_MS,
    merge: Math.max,
    send(conversationId, entries) {
      const readers = entries.map(([userId, lastReadSeq]) => ({ userId, lastReadSeq }));
      const [only] = readers;
      if (readers.length === 1 && only) deps.publish(conversationId, { type: 'read_state', conversationId, ...only });
      else deps.publish(conversationId, { type: 'read_state_batch', conversationId, readers });
    },
  });
  return { announce: (conversationId, userId, lastReadSeq) => coalescer.add(conversationId, userId, lastReadSeq), close: () => coalescer.close() };
}
