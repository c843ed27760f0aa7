import { REPLY_EXCERPT_CHARS, type ConversationEvent, type Message, type Reaction } from '@parley/protocol';

/** Message-changing events kept to bring older history pages up to date (see mergeHistory). */
export const RECENT_EVENTS_KEPT = 1000;

type ChangeEvent = Extract<ConversationEvent, { messageId: string }>;

/** The excerpt a reply shows of the message it answers (the server's rule: first 140 code points). */
export function replyExcerpt(body: string): string {
  return [...body].slice(0, REPLY_EXCERPT_CHARS).join('');
}

/**
 * One conversation's messages in their current state, folded from its event log: history pages
 * loaded over HTTP plus events delivered in seq order by the SDK. Every fold is last-writer-wins
 * per field, so an event applied twice, or to a message that already reflects it, changes
 * nothing. Framework-free: a UI re-renders from `messages` whenever `version` changes.
 */
export class ConversationTimeline {
  private readonly bySeq = new Map<number, Message>();
  private readonly seqById = new Map<string, number>();
  private readonly recent: ChangeEvent[] = [];
  private sorted: readonly Message[] = [];
  private dirty = false;
  private changes = 0;

  constructor(readonly conversationId: string) {}

  /** Increases on every change: cheap to compare in a render loop. */
  get version(): number {
    return this.changes;
  }

  /** Ascending seq. The same array until something changes. */
  get messages(): readonly Message[] {
    if (this.dirty) {
      this.sorted = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
      this.dirty = false;
    }
    return this.sorted;
  }

  get(seq: number): Message | undefined {
    return this.bySeq.get(seq);
  }

  byId(messageId: string): Message | undefined {
    const seq = this.seqById.get(messageId);
    return seq === undefined ? undefined : this.bySeq.get(seq);
  }

  /**
   * Applies one event of this conversation. Unknown kinds change nothing; events about a
   * message not loaded here are remembered, so a history page loaded later catches up.
   * Returns whether anything visible changed.
   */
  apply(event: ConversationEvent): boolean {
    if (event.conversationId !== this.conversationId) return false;
    if (event.kind === 'unknown') return false;
    if (event.kind === 'message_created') {
      this.put(event.message);
      return this.changed();
    }
    this.remember(event);
    return this.applyChange(event) ? this.changed() : false;
  }

  /**
   * Adds a page of messages read at log position `throughSeq`. Events later than that which
   * this timeline has already seen are applied to the page's messages again, so a page that
   * was read just before an edit does not undo it.
   */
  mergeHistory(page: { messages: readonly Message[]; throughSeq: number }): void {
    const oldestRecent = this.recent[0]?.seq ?? Infinity;
    for (const message of page.messages) {
      if (message.conversationId !== this.conversationId) continue;
      // A page older than everything remembered could be staler than what we hold: keep ours.
      if (this.bySeq.has(message.seq) && page.throughSeq < oldestRecent - 1) continue;
      this.put(message);
    }
    for (const event of this.recent) if (event.seq > page.throughSeq) this.applyChange(event);
    this.changed();
  }

  private put(message: Message): void {
    this.bySeq.set(message.seq, message);
    this.seqById.set(message.id, message.seq);
  }

  private changed(): boolean {
    this.dirty = true;
    this.changes += 1;
    return true;
  }

  private remember(event: ChangeEvent): void {
    this.recent.push(event);
    if (this.recent.length > RECENT_EVENTS_KEPT) this.recent.shift();
  }

  private applyChange(event: ChangeEvent): boolean {
    const message = this.bySeq.get(event.messageSeq);
    if (!message || message.id !== event.messageId) return false;
    switch (event.kind) {
      case 'message_edited':
        // Null: the message was deleted later, and its message_deleted follows.
        if (event.body === null || message.deletedAt !== null) return false;
        this.put({ ...message, body: event.body, mentions: event.mentions, editedAt: event.editedAt });
        this.updateReplies(message.id, replyExcerpt(event.body));
        return true;
      case 'message_deleted':
        this.put({ ...message, body: '', mentions: [], reactions: [], editedAt: null, deletedAt: event.deletedAt });
        this.updateReplies(message.id, null);
        return true;
      case 'reaction_added':
        this.put({ ...message, reactions: withReaction(message.reactions, event.emoji, event.actorId) });
        return true;
      case 'reaction_removed':
        this.put({ ...message, reactions: withoutReaction(message.reactions, event.emoji, event.actorId) });
        return true;
    }
  }

  private updateReplies(messageId: string, excerpt: string | null): void {
    for (const reply of this.bySeq.values()) {
      if (reply.replyTo?.messageId === messageId && reply.replyTo.excerpt !== excerpt) {
        this.put({ ...reply, replyTo: { ...reply.replyTo, excerpt } });
      }
    }
  }
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
