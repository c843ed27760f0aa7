import type { Attachment, CallEvent, Message, Reaction } from '@parley/protocol';
import type { ReplyDraft } from './draft-store.ts';
import type { GroupableItem } from './message-groups.ts';
import { replyQuote, type ReplyQuote } from './reply-quote.ts';
import { systemEventText, type NameOf } from './system-text.ts';

export type DeliveryState = 'sending' | 'failed' | 'delivered';

export interface LogItem extends GroupableItem {
  /** `text` messages are bubbles; `call`, `system` and unknown kinds are one-line entries. */
  kind: 'text' | 'call' | 'system' | 'unknown';
  body: string;
  own: boolean;
  state: DeliveryState;
  /** Set for committed messages. */
  seq?: number;
  /** Set for committed messages: actions (react, reply, edit, delete) address it. */
  messageId?: string;
  /** Set for our own sends (pending or committed): Retry needs it. */
  clientId?: string;
  error?: string | undefined;
  /** Set for call events (kind 'call'): rendered as a compact entry, not a bubble. */
  call?: CallEvent | undefined;
  /** For kind 'system': the change in words ("Ana added Bo"). */
  systemText?: string;
  /** A deleted message: "This message was deleted". */
  deleted?: boolean;
  /** Edited since it was sent: "(edited)". */
  edited?: boolean;
  reactions?: readonly Reaction[];
  /** Files on the message (none once it is deleted). */
  attachments?: readonly Attachment[] | undefined;
  /** The quote of the message this one answers. */
  reply?: ReplyQuote | undefined;
  /** Ids the server resolved from `@handle`s; undefined while sending (every member's handle counts). */
  mentions?: readonly string[] | undefined;
  /** Mentions the reader: highlighted like in Slack. */
  mentionsMe?: boolean;
  /** An edit or deletion of ours is on its way. */
  saving?: boolean;
  /** An unsent message the person may still take back: waiting or failed, and not on the wire. */
  cancellable?: boolean;
}

export interface PendingLike {
  clientId: string;
  body: string;
  state: 'sending' | 'waiting' | 'sent' | 'failed' | 'cancelled';
  since: string;
  /** Human text for the state (`describeSendState`), shown under a waiting, retrying or failed bubble. */
  text?: string | undefined;
  replyTo?: ReplyDraft | undefined;
  /** On the wire: the server may be committing it right now (the SDK refuses to cancel it). */
  inFlight?: boolean;
  attachments?: readonly Attachment[] | undefined;
}

/**
 * Committed messages in seq order, then this tab's unacknowledged sends in send order. A
 * pending send whose message already arrived (the live event can beat the ack) is dropped.
 */
export function buildLogItems(
  messages: readonly Message[],
  pending: readonly PendingLike[],
  meId: string,
  nameOf: NameOf,
  saving: ReadonlySet<string> = new Set(),
): LogItem[] {
  const items: LogItem[] = [];
  const committedClientIds = new Set<string>();
  const byId = new Map(messages.map((m) => [m.id, m] as const));
  for (const m of messages) {
    const own = m.senderId === meId;
    if (own) committedClientIds.add(m.clientId);
    const base = { key: `m:${m.seq}`, createdAt: m.createdAt, own, state: 'delivered' as const, seq: m.seq, messageId: m.id };
    if (m.kind === 'system' && m.system !== undefined) {
      // Its own group: a change to the conversation never joins a burst of messages.
      items.push({ ...base, kind: 'system', senderId: `system:${m.seq}`, body: '', systemText: systemEventText(m.system, m.senderId, meId, nameOf) });
      continue;
    }
    if (m.kind === 'call' || m.kind === 'text') {
      items.push({
        ...base,
        kind: m.kind,
        senderId: m.senderId,
        body: m.body,
        clientId: own ? m.clientId : undefined,
        call: m.kind === 'call' ? m.call : undefined,
        deleted: m.deletedAt !== null,
        edited: m.editedAt !== null,
        reactions: m.reactions,
        attachments: m.deletedAt === null ? m.attachments : undefined,
        reply: m.replyTo === null ? undefined : replyQuote(m.replyTo, byId.get(m.replyTo.messageId), nameOf, meId),
        mentions: m.mentions,
        mentionsMe: !own && m.deletedAt === null && m.mentions.includes(meId),
        saving: saving.has(m.id),
      });
      continue;
    }
    // A kind this version does not know (a newer server): a placeholder, never an empty bubble.
    items.push({ ...base, kind: 'unknown', senderId: m.senderId, body: '' });
  }
  for (const p of pending) {
    if (p.state === 'sent' || p.state === 'cancelled' || committedClientIds.has(p.clientId)) continue;
    items.push({
      key: `p:${p.clientId}`,
      kind: 'text',
      senderId: meId,
      createdAt: p.since,
      body: p.body,
      attachments: p.attachments,
      own: true,
      state: p.state === 'failed' ? 'failed' : 'sending',
      clientId: p.clientId,
      error: p.text,
      cancellable: (p.state === 'waiting' || p.state === 'failed') && p.inFlight !== true,
      reply: p.replyTo === undefined ? undefined : replyQuote({ ...p.replyTo, kind: 'text' }, byId.get(p.replyTo.messageId), nameOf, meId),
    });
  }
  return items;
}

/** The message Up-arrow edits: the reader's newest text message that is committed and not deleted. */
export function lastEditable(items: readonly LogItem[]): LogItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.own && item.kind === 'text' && item.state === 'delivered' && !item.deleted && item.messageId !== undefined) return item;
  }
  return undefined;
}
