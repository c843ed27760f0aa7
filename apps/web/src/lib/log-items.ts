import type { CallEvent, Message } from '@parley/protocol';
import type { GroupableItem } from './message-groups.ts';

export type DeliveryState = 'sending' | 'failed' | 'delivered';

export interface LogItem extends GroupableItem {
  body: string;
  own: boolean;
  state: DeliveryState;
  /** Set for committed messages. */
  seq?: number;
  /** Set for our own sends (pending or committed): Retry needs it. */
  clientId?: string;
  error?: string | undefined;
  /** Set for call events (kind 'call'): rendered as a compact entry, not a bubble. */
  call?: CallEvent | undefined;
}

export interface PendingLike {
  clientId: string;
  body: string;
  state: 'sending' | 'sent' | 'failed';
  since: string;
  error?: { message: string } | undefined;
}

/**
 * Committed messages in seq order, then this tab's unacknowledged sends in send order. A
 * pending send whose message already arrived (the live event can beat the ack) is dropped.
 */
export function buildLogItems(messages: readonly Message[], pending: readonly PendingLike[], meId: string): LogItem[] {
  const items: LogItem[] = [];
  const committedClientIds = new Set<string>();
  for (const m of messages) {
    const own = m.senderId === meId;
    if (own) committedClientIds.add(m.clientId);
    items.push({
      key: `m:${m.seq}`,
      senderId: m.senderId,
      createdAt: m.createdAt,
      body: m.body,
      own,
      state: 'delivered',
      seq: m.seq,
      clientId: own ? m.clientId : undefined,
      call: m.kind === 'call' ? m.call : undefined,
    });
  }
  for (const p of pending) {
    if (p.state === 'sent' || committedClientIds.has(p.clientId)) continue;
    items.push({
      key: `p:${p.clientId}`,
      senderId: meId,
      createdAt: p.since,
      body: p.body,
      own: true,
      state: p.state,
      clientId: p.clientId,
      error: p.error?.message,
    });
  }
  return items;
}
