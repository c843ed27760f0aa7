import type { ConversationEvent } from './events.ts';
import { REPLY_EXCERPT_CHARS, type Message, type Reaction } from './models.ts';

/**
 * The fold of PROTOCOL.md §7.2, as a reference implementation: how one event changes the
 * messages a client holds. Every rule is last-writer-wins per field, so an event applied twice,
 * or to a message that already reflects it, changes nothing.
 */

/** The messages a client holds for one conversation, keyed by seq. */
export interface FoldTarget {
  get(seq: number): Message | undefined;
  /** Stores `message` at `message.seq`, replacing what was there. */
  put(message: Message): void;
  values(): Iterable<Message>;
}

/** The excerpt a reply shows of the message it answers: its first 140 code points. */
export function replyExcerpt(body: string): string {
  return [...body].slice(0, REPLY_EXCERPT_CHARS).join('');
}

/** `emoji` by `userId` added: appended to its users, or a new reaction after the others. */
export function withReaction(reactions: readonly Reaction[], emoji: string, userId: string): Reaction[] {
  const existing = reactions.find((r) => r.emoji === emoji);
  if (!existing) return [...reactions, { emoji, userIds: [userId] }];
  if (existing.userIds.includes(userId)) return [...reactions];
  return reactions.map((r) => (r === existing ? { emoji, userIds: [...r.userIds, userId] } : r));
}

/** `emoji` by `userId` removed; a reaction nobody holds any more disappears. */
export function withoutReaction(reactions: readonly Reaction[], emoji: string, userId: string): Reaction[] {
  return reactions
    .map((r) => (r.emoji === emoji ? { emoji, userIds: r.userIds.filter((id) => id !== userId) } : r))
    .filter((r) => r.userIds.length > 0);
}

/** Applies one event to `target`. Returns whether anything changed. Unknown kinds change nothing. */
export function foldEvent(target: FoldTarget, event: ConversationEvent): boolean {
  if (event.kind === 'unknown') return false;
  if (event.kind === 'message_created') {
    target.put(event.message);
    return true;
  }
  const message = target.get(event.messageSeq);
  // Not held (older history not loaded), or not the message the event names.
  if (!message || message.id !== event.messageId) return false;
  switch (event.kind) {
    case 'message_edited':
      // Null: the message was deleted later, and its message_deleted follows.
      if (event.body === null || message.deletedAt !== null) return false;
      target.put({ ...message, body: event.body, mentions: event.mentions, editedAt: event.editedAt });
      updateReplies(target, message.id, replyExcerpt(event.body));
      return true;
    case 'message_deleted': {
      // A tombstone keeps no files either (their downloads are gone with it).
      const { attachments: _gone, ...kept } = message;
      target.put({ ...kept, body: '', mentions: [], reactions: [], editedAt: null, deletedAt: event.deletedAt });
      updateReplies(target, message.id, null);
      return true;
    }
    case 'reaction_added':
      target.put({ ...message, reactions: withReaction(message.reactions, event.emoji, event.actorId) });
      return true;
    case 'reaction_removed':
      target.put({ ...message, reactions: withoutReaction(message.reactions, event.emoji, event.actorId) });
      return true;
  }
}

/** Replies carry an excerpt of the message they answer: keep it current. */
function updateReplies(target: FoldTarget, messageId: string, excerpt: string | null): void {
  for (const reply of [...target.values()]) {
    if (reply.replyTo?.messageId === messageId && reply.replyTo.excerpt !== excerpt) {
      target.put({ ...reply, replyTo: { ...reply.replyTo, excerpt } });
    }
  }
}

/** A FoldTarget over a plain Map, for tools and tests that fold a whole log. */
export function mapFoldTarget(messages: Map<number, Message> = new Map()): FoldTarget & { messages: Map<number, Message> } {
  return {
    messages,
    get: (seq) => messages.get(seq),
    put: (message) => void messages.set(message.seq, message),
    values: () => messages.values(),
  };
}
