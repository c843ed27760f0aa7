import type { ConversationEvent, HistoryVisibility, Message, PublicUser } from '@parley/protocol';
import type { ConversationSummary } from './api-types.ts';
import { callEventText } from './calls/call-text.ts';
import { applyRoleChange } from './member-permissions.ts';
import { systemEventText } from './system-text.ts';
import { filesText } from './files-text.ts';

/** Direct conversations have no title: name them after the other member. */
export function conversationTitle(c: ConversationSummary, meId: string | undefined): string {
  if (c.title !== null && c.title.trim() !== '') return c.title;
  const others = c.members.filter((m) => m.id !== meId);
  if (others.length === 0) return c.kind === 'direct' ? 'Just you' : 'Untitled group';
  return others.map((m) => m.displayName).join(', ');
}

/** One line: "You: …" for your own messages, "Ana: …" in groups, the bare text in direct chats. */
export function previewText(c: ConversationSummary, meId: string | undefined): string {
  const last = c.lastMessage;
  if (last === null) return c.kind === 'group' ? 'New group' : 'No messages yet';
  // Call and system events are the same words for everyone: no "You:" prefix.
  if (last.kind === 'call' && last.call !== undefined) return callEventText(last.call);
  if (last.kind === 'system' && last.system !== undefined) {
    const nameOf = (id: string) => (id === last.senderId ? last.senderDisplayName : (c.members.find((m) => m.id === id)?.displayName ?? 'Someone'));
    return systemEventText(last.system, last.senderId, meId ?? '', nameOf);
  }
  const body = last.deletedAt !== null ? 'Message deleted' : last.body.replace(/\s+/g, ' ').trim() || filesText(last.attachments ?? []);
  if (last.senderId === meId) return `You: ${body}`;
  if (c.kind === 'group') return `${firstName(last.senderDisplayName)}: ${body}`;
  return body;
}

function firstName(displayName: string): string {
  return displayName.split(' ')[0] ?? displayName;
}

export function sortByActivity(list: readonly ConversationSummary[]): ConversationSummary[] {
  return [...list].sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
}

export interface LiveMessageContext {
  meId: string;
  /** The conversation on screen and being read: its unread count stays 0. */
  readingConversationId?: string | undefined;
}

export interface LiveMessageResult {
  list: ConversationSummary[];
  /** The message's conversation is not in the list (new to us): refetch to learn it. */
  unknownConversation: boolean;
}

/** Counts as unread for its readers: a message from someone else (not a system change). */
export function countsAsUnread(message: Pick<Message, 'kind' | 'senderId' | 'deletedAt'>, meId: string): boolean {
  return message.senderId !== meId && (message.kind === 'text' || message.kind === 'call') && message.deletedAt === null;
}

/**
 * Applies a live event to the cached list. A new message moves its conversation to the top
 * with a new preview and, from someone else, one more unread; an edit or deletion of the
 * previewed message updates the preview; every event advances lastSeq, so events at or below
 * it (replays after a reconnect) are ignored and never double-count.
 */
export function applyLiveEvent(list: readonly ConversationSummary[], event: ConversationEvent, ctx: LiveMessageContext): LiveMessageResult {
  const index = list.findIndex((c) => c.id === event.conversationId);
  const current = list[index];
  if (current === undefined) return { list: [...list], unknownConversation: true };
  if (event.seq <= current.lastSeq) return { list: [...list], unknownConversation: false };
  if (event.kind === 'message_created') return applyLiveMessage(list, event.message, ctx);

  let lastMessage = current.lastMessage;
  if (lastMessage !== null && event.kind !== 'unknown' && event.messageId === lastMessage.id) {
    if (event.kind === 'message_edited' && event.body !== null) lastMessage = { ...lastMessage, body: event.body, editedAt: event.editedAt };
    if (event.kind === 'message_deleted') lastMessage = { ...lastMessage, body: '', deletedAt: event.deletedAt };
  }
  const updated: ConversationSummary = { ...current, lastSeq: event.seq, lastMessage };
  return { list: list.map((c, i) => (i === index ? updated : c)), unknownConversation: false };
}

/**
 * Applies a live message to the cached list: preview, order, unread count. Messages at or
 * below the known lastSeq are ignored, so replays after a reconnect cannot double-count.
 */
export function applyLiveMessage(
  list: readonly ConversationSummary[],
  message: Message,
  ctx: LiveMessageContext,
): LiveMessageResult {
  const index = list.findIndex((c) => c.id === message.conversationId);
  const current = list[index];
  if (current === undefined) return { list: [...list], unknownConversation: true };
  if (message.seq <= current.lastSeq) return { list: [...list], unknownConversation: false };

  const own = message.senderId === ctx.meId;
  const reading = ctx.readingConversationId === message.conversationId;
  const unread = countsAsUnread(message, ctx.meId) && !reading;
  const sender: PublicUser | undefined = current.members.find((m) => m.id === message.senderId);
  const updated: ConversationSummary = {
    ...current,
    title: renamedTo(message) ?? current.title,
    historyVisibility: historyVisibilitySetBy(message) ?? current.historyVisibility,
    members: applyRoleChange(current, message).members,
    lastSeq: message.seq,
    lastReadSeq: own || reading ? message.seq : current.lastReadSeq,
    unreadCount: own || reading ? 0 : current.unreadCount + (unread ? 1 : 0),
    lastMessage: { ...message, senderDisplayName: sender?.displayName ?? 'Someone' },
    lastActivityAt: laterIso(current.lastActivityAt, message.createdAt),
  };
  const rest = list.filter((_, i) => i !== index);
  return { list: sortByActivity([updated, ...rest]), unknownConversation: false };
}

function laterIso(a: string, b: string): string {
  return Date.parse(b) >= Date.parse(a) ? b : a;
}

/** Our own read position moved (this tab or another device). */
export function applyReadPosition(
  list: readonly ConversationSummary[],
  conversationId: string,
  lastReadSeq: number,
): ConversationSummary[] {
  return list.map((c) => {
    if (c.id !== conversationId || lastReadSeq <= c.lastReadSeq) return c;
    // Unread counts exclude our own messages, so only "caught up" is exact here; a partial
    // read keeps the count until the next list fetch rather than guessing.
    const caughtUp = lastReadSeq >= c.lastSeq;
    return { ...c, lastReadSeq, unreadCount: caughtUp ? 0 : c.unreadCount };
  });
}

export function totalUnread(list: readonly ConversationSummary[]): number {
  return list.reduce((sum, c) => sum + c.unreadCount, 0);
}

/**
 * The new title a live `renamed` system message carries. The list follows it at once instead of
 * waiting for `conversation_changed` (a live frame that can be lost) to refetch.
 */
export function renamedTo(message: Pick<Message, 'kind' | 'system'>): string | undefined {
  return message.kind === 'system' && message.system?.action === 'renamed' ? message.system.title : undefined;
}

/** The history policy a `history_visibility_changed` system message sets (undefined for any other message). */
export function historyVisibilitySetBy(message: Pick<Message, 'kind' | 'system'>): HistoryVisibility | undefined {
  return message.kind === 'system' && message.system?.action === 'history_visibility_changed' ? message.system.visibility : undefined;
}

/**
 * A fetched list can be older than what live events already put in the cache: the refetch
 * after a reconnect races the resent messages' events. Per conversation, what the cache
 * holds from a later seq wins (preview, order, unread), so the preview never steps back.
 */
export function keepNewerActivity(fetched: readonly ConversationSummary[], cached: readonly ConversationSummary[] | undefined): ConversationSummary[] {
  if (cached === undefined) return [...fetched];
  const byId = new Map(cached.map((c) => [c.id, c] as const));
  let changed = false;
  const merged = fetched.map((c) => {
    const held = byId.get(c.id);
    if (held === undefined || held.lastSeq <= c.lastSeq) return c;
    changed = true;
    return {
      ...c,
      lastSeq: held.lastSeq,
      lastMessage: held.lastMessage,
      lastActivityAt: laterIso(c.lastActivityAt, held.lastActivityAt),
      lastReadSeq: Math.max(c.lastReadSeq, held.lastReadSeq),
      unreadCount: held.unreadCount,
    };
  });
  return changed ? sortByActivity(merged) : merged;
}
