import type { ConversationEvent, Message } from '@parley/protocol';
import type { ConversationSummary } from './api-types.ts';

/** conversationId -> seqs of messages from others that mention the reader (read or not). */
export type MentionIndex = Readonly<Record<string, readonly number[]>>;

/** A message that puts the "@" marker on its conversation until read. */
export function mentionsReader(message: Pick<Message, 'senderId' | 'mentions' | 'deletedAt'>, meId: string): boolean {
  return message.senderId !== meId && message.deletedAt === null && message.mentions.includes(meId);
}

function withSeq(index: MentionIndex, conversationId: string, seq: number, mentioned: boolean): MentionIndex {
  const seqs = index[conversationId] ?? [];
  const has = seqs.includes(seq);
  if (has === mentioned) return index;
  return { ...index, [conversationId]: mentioned ? [...seqs, seq] : seqs.filter((s) => s !== seq) };
}

/**
 * Follows the log: a new message that mentions the reader adds its seq; an edit that drops the
 * mention, or a deletion, takes it away again.
 */
export function noteMentionEvent(index: MentionIndex, event: ConversationEvent, meId: string): MentionIndex {
  switch (event.kind) {
    case 'message_created':
      return withSeq(index, event.conversationId, event.message.seq, mentionsReader(event.message, meId));
    case 'message_edited':
      if (event.body === null) return index;
      return withSeq(index, event.conversationId, event.messageSeq, event.actorId !== meId && event.mentions.includes(meId));
    case 'message_deleted':
      return withSeq(index, event.conversationId, event.messageSeq, false);
    case 'reaction_added':
    case 'reaction_removed':
    case 'unknown':
      return index;
  }
}

/** A history page read over HTTP states the current truth for each of its messages. */
export function noteMentionPage(index: MentionIndex, messages: readonly Message[], meId: string): MentionIndex {
  return messages.reduce((acc, m) => withSeq(acc, m.conversationId, m.seq, mentionsReader(m, meId)), index);
}

/** The list shows "@" while a message that mentions the reader is past their read position. */
export function hasUnreadMention(index: MentionIndex, c: ConversationSummary, meId: string): boolean {
  if ((index[c.id] ?? []).some((seq) => seq > c.lastReadSeq)) return true;
  const last = c.lastMessage;
  return last !== null && last.seq > c.lastReadSeq && mentionsReader(last, meId);
}

/** Seqs at or below the read position will never show again: drop them. */
export function forgetReadMentions(index: MentionIndex, conversationId: string, lastReadSeq: number): MentionIndex {
  const seqs = index[conversationId];
  if (seqs === undefined || seqs.every((s) => s > lastReadSeq)) return index;
  return { ...index, [conversationId]: seqs.filter((s) => s > lastReadSeq) };
}
