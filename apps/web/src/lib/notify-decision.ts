import { messageAlertText, pushTag, type ConversationEvent, type Message, type NotifyLevel } from '@parley/protocol';
import type { ConversationSummary } from './api-types.ts';

/** What one tab of this browser is doing, as the tabs tell each other (tab-coordinator.ts). */
export interface TabState {
  visible: boolean;
  /** Visible and focused: the person is looking at Parley right now. */
  focused: boolean;
  /** The conversation the tab shows, if any. */
  conversationId: string | undefined;
}

/**
 * Older messages arrive too (a reconnect's replay, a tab waking up): they are old news, and a
 * burst of alerts for them would be noise. Counted from the message's server time.
 */
export const ALERT_MAX_AGE_MS = 2 * 60_000;

export interface AlertContext {
  meId: string;
  /** The reader's level in the conversation (ConversationSummary.notifyLevel). */
  level: NotifyLevel;
  /** The reader's read position there: a message read on another device is not news. */
  lastReadSeq: number;
  /** ISO 8601 or null (users.notificationSettings). */
  dndUntil: string | null;
  nowMs: number;
  /** Every open tab of this browser for this user, this one included. */
  tabs: readonly TabState[];
}

/** Do-not-disturb is on at `nowMs`. */
export function dndActive(dndUntil: string | null, nowMs: number): boolean {
  return dndUntil !== null && Date.parse(dndUntil) > nowMs;
}

/** Someone is looking at this conversation, or at Parley at all: the page shows it, no alert. */
export function watched(tabs: readonly TabState[], conversationId: string): boolean {
  return tabs.some((t) => t.focused || (t.visible && t.conversationId === conversationId));
}

/**
 * The new message an event brings that should alert the reader (sound and desktop
 * notification), or null. Only new text messages from others alert: edits, deletions,
 * reactions, calls (they ring by themselves) and system messages never do.
 */
export function alertingMessage(event: ConversationEvent, ctx: AlertContext): Message | null {
  if (event.kind !== 'message_created') return null;
  const m = event.message;
  if (m.kind !== 'text' || m.senderId === ctx.meId || m.deletedAt !== null) return null;
  if (m.seq <= ctx.lastReadSeq) return null;
  if (ctx.nowMs - Date.parse(m.createdAt) > ALERT_MAX_AGE_MS) return null;
  if (dndActive(ctx.dndUntil, ctx.nowMs)) return null;
  if (ctx.level === 'none') return null;
  if (ctx.level === 'mentions' && !m.mentions.includes(ctx.meId)) return null;
  if (watched(ctx.tabs, m.conversationId)) return null;
  return m;
}

export interface AlertContent {
  title: string;
  body: string;
  /** One notification per conversation, replaced (and announced again) by the next. */
  tag: string;
}

/**
 * "Ana Lima" for a direct message, "Ana Lima in Team" for a group, and the text: the words a
 * Web Push with `pushContent: "text"` carries (messageAlertText, shared with the gateway).
 */
export function alertContent(message: Message, conversation: Pick<ConversationSummary, 'kind' | 'title' | 'members'>, meId: string): AlertContent {
  const sender = conversation.members.find((u) => u.id === message.senderId)?.displayName ?? 'Someone';
  const text = messageAlertText({ senderName: sender, conversation, message, recipientId: meId, content: 'text' });
  // The push's tag (§2 "Web Push"): a page alert and a push for one conversation replace each other.
  return { ...text, tag: pushTag(message.conversationId) };
}
