import type { Message } from '@parley/protocol';
import { withoutReaction, withReaction, type PendingActionKind } from './realtime.ts';

/** An edit, deletion or reaction of ours that the log may not show yet. */
export interface PendingAction {
  clientId: string;
  action: Exclude<PendingActionKind, { type: 'send' }>;
  state: 'sending' | 'waiting' | 'sent' | 'failed' | 'cancelled';
  /** Once acked: the seq of the event it committed (absent when it changed nothing). */
  eventSeq?: number;
}

export interface Overlay {
  messages: readonly Message[];
  /** Messages with an edit or deletion still on its way: shown as "Saving…". */
  saving: ReadonlySet<string>;
}

/**
 * Still to be shown on top of the folded log: sending, or acked with an event the timeline has
 * not folded yet (the ack can beat its event through the sequencer). A failed action, or one the
 * server found already in effect, shows what the log says.
 */
export function isInFlight(action: PendingAction, foldedSeq: number): boolean {
  // Waiting for the connection: still what the user did, and it will go out by itself.
  if (action.state === 'sending' || action.state === 'waiting') return true;
  return action.state === 'sent' && action.eventSeq !== undefined && action.eventSeq > foldedSeq;
}

/**
 * The messages as the reader expects them right after acting: our in-flight actions applied, in
 * the order they were made, with the same folds the log uses. Every fold is idempotent, so an
 * action whose event has already been folded changes nothing. Returns `messages` itself when
 * nothing is in flight.
 */
export function applyPendingActions(
  messages: readonly Message[],
  actions: readonly PendingAction[],
  meId: string,
  foldedSeq: number,
): Overlay {
  const live = actions.filter((a) => isInFlight(a, foldedSeq));
  if (live.length === 0) return { messages, saving: new Set() };
  const indexById = new Map<string, number>();
  messages.forEach((m, i) => indexById.set(m.id, i));
  const out = [...messages];
  const saving = new Set<string>();
  for (const { action } of live) {
    const index = indexById.get(action.messageId);
    const message = index === undefined ? undefined : out[index];
    if (index === undefined || message === undefined || message.deletedAt !== null) continue;
    out[index] = applyOne(message, action, meId);
    if (action.type !== 'react') saving.add(message.id);
  }
  return { messages: out, saving };
}

function applyOne(message: Message, action: PendingAction['action'], meId: string): Message {
  switch (action.type) {
    case 'react':
      return {
        ...message,
        reactions: action.action === 'add' ? withReaction(message.reactions, action.emoji, meId) : withoutReaction(message.reactions, action.emoji, meId),
      };
    case 'edit':
      // The server sets editedAt at commit; until then "now" marks it edited.
      return { ...message, body: action.body, editedAt: message.editedAt ?? new Date().toISOString() };
    case 'delete':
      return { ...message, body: '', mentions: [], reactions: [], editedAt: null, deletedAt: new Date().toISOString() };
  }
}

/** What clicking `emoji` does for the reader: take theirs back, or add it. */
export function reactionToggle(message: Pick<Message, 'reactions'>, emoji: string, meId: string): 'add' | 'remove' {
  return message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(meId)) ? 'remove' : 'add';
}

/** Drops actions that no longer change what is shown; failed ones are reported, then dropped. */
export function settledActions(actions: readonly PendingAction[], foldedSeq: number): PendingAction[] {
  return actions.filter((a) => isInFlight(a, foldedSeq));
}
