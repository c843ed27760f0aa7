import type { ReadStateFrame } from '@parley/protocol';

/** Every member's read position per conversation, from read_state frames; never moves back. */
export class ReadReceipts {
  private readonly conversations = new Map<string, Map<string, number>>();

  /** Returns whether the position advanced. */
  update(conversationId: string, userId: string, lastReadSeq: number): boolean {
    let members = this.conversations.get(conversationId);
    if (!members) {
      members = new Map();
      this.conversations.set(conversationId, members);
    }
    // Frames from different nodes may arrive out of order; a read position only grows.
    if (lastReadSeq <= (members.get(userId) ?? -1)) return false;
    members.set(userId, lastReadSeq);
    return true;
  }

  receive(frame: ReadStateFrame): boolean {
    return this.update(frame.conversationId, frame.userId, frame.lastReadSeq);
  }

  /** A copy: the caller may keep it as a render input without it changing underneath. */
  get(conversationId: string): Map<string, number> {
    return new Map(this.conversations.get(conversationId));
  }

  forget(conversationId: string): void {
    this.conversations.delete(conversationId);
  }
}

/**
 * Users whose read position reached `messageSeq` (for "Seen" / "Seen by 3"), in the order the
 * positions were first seen. Pass the sender (and usually yourself) in `excludeUserIds`.
 */
export function seenBy(
  readStates: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  messageSeq: number,
  excludeUserIds: Iterable<string> = [],
): string[] {
  const excluded = new Set(excludeUserIds);
  const entries = readStates instanceof Map ? [...readStates] : Object.entries(readStates);
  return entries.filter(([userId, seq]) => seq >= messageSeq && !excluded.has(userId)).map(([userId]) => userId);
}
