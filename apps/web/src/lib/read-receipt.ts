import type { Message } from '@parley/protocol';
import { seenBy } from './realtime.ts';

export interface Receipt {
  /** The own message the receipt goes under. */
  seq: number;
  /** Who read it (never the reader themselves), in the order their positions were learnt. */
  readerIds: string[];
}

/**
 * Read positions from read_state frames, raised by what the messages themselves prove: the
 * server moves a sender's read position to their own message, so someone who replied has read
 * everything before it even when no read_state reached us (for example after a reload).
 */
export function effectiveReadStates(readStates: ReadonlyMap<string, number>, messages: readonly Message[]): Map<string, number> {
  const positions = new Map(readStates);
  for (const m of messages) {
    if (m.seq > (positions.get(m.senderId) ?? 0)) positions.set(m.senderId, m.seq);
  }
  return positions;
}

/**
 * The receipt to show: under the newest of my messages that anyone else has read, so only
 * one "Seen" is on screen. Null when none of my loaded messages has been read yet.
 */
export function latestReceipt(messages: readonly Message[], meId: string, readStates: ReadonlyMap<string, number>): Receipt | null {
  const positions = effectiveReadStates(readStates, messages);
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m === undefined || m.senderId !== meId) continue;
    const readerIds = seenBy(positions, m.seq, [meId]);
    if (readerIds.length > 0) return { seq: m.seq, readerIds };
  }
  return null;
}
