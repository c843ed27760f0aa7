import { attachmentsText, type Message, type ReplyRef } from '@parley/protocol';
import type { ReplyDraft } from './draft-store.ts';
import type { NameOf } from './system-text.ts';

/** The quote shown above a reply, and in the "Replying to" bar. */
export interface ReplyQuote {
  messageId: string;
  seq: number;
  author: string;
  /** The parent's first line; null when it was deleted. */
  text: string | null;
}

/** The first line with text in it: a quote is one line, like Slack's and Element's. */
export function firstLine(body: string): string {
  return body.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

/**
 * A text message's body is never empty unless it carries files (chat_send refuses anything
 * else): one without a caption is quoted by its files, as a notification names them
 * ("📎 beach.jpg", "📎 3 files"). Only the server's excerpt is known when the parent is not
 * loaded: then "📎 File".
 */
function textOf(kind: string, body: string, attachments?: Message['attachments']): string {
  if (kind === 'call') return 'Call';
  if (kind === 'system') return 'Group update';
  const line = firstLine(body);
  if (line !== '') return line;
  if (attachments !== undefined && attachments.length > 0) return attachmentsText(attachments);
  return kind === 'text' ? '📎 File' : 'Message';
}

/**
 * The parent as it is now when it is loaded here (an edit or a deletion shows at once), else as
 * the server described it in `replyTo` (its excerpt is current as of the page or event).
 */
export function replyQuote(ref: ReplyRef, parent: Message | undefined, nameOf: NameOf, meId: string): ReplyQuote {
  const author = ref.senderId === meId ? 'You' : nameOf(ref.senderId);
  const base = { messageId: ref.messageId, seq: ref.seq, author };
  if (parent !== undefined) return { ...base, text: parent.deletedAt !== null ? null : textOf(parent.kind, parent.body, parent.attachments) };
  return { ...base, text: ref.excerpt === null ? null : textOf(ref.kind, ref.excerpt) };
}

/** What the composer keeps about the message being answered (it survives a reload with the draft). */
export function replyDraftOf(message: Message): ReplyDraft {
  return {
    messageId: message.id,
    seq: message.seq,
    senderId: message.senderId,
    excerpt: message.deletedAt !== null ? null : textOf(message.kind, message.body, message.attachments),
  };
}
