import { foldEvent, type ConversationEvent, type FoldTarget, type Message } from '@parley/protocol';

/** Message-changing events kept to bring older history pages up to date (see mergeHistory). */
export const RECENT_EVENTS_KEPT = 1000;

type ChangeEvent = Extract<ConversationEvent, { messageId: string }>;

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
  /** The newest remembered event that was dropped to keep `recent` bounded. */
  private forgottenThrough = 0;
  /** What the protocol's fold (§7.2) changes: this timeline's messages. */
  private readonly target: FoldTarget = {
    get: (seq) => this.bySeq.get(seq),
    put: (message) => this.put(message),
    values: () => this.bySeq.values(),
  };

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
    if (event.kind !== 'unknown' && event.kind !== 'message_created') this.remember(event);
    return foldEvent(this.target, event) ? this.changed() : false;
  }

  /**
   * Adds a page of messages read at log position `throughSeq`. Events later than that which
   * this timeline has already seen are applied to the page's messages again, so a page that
   * was read just before an edit does not undo it.
   */
  mergeHistory(page: { messages: readonly Message[]; throughSeq: number }): void {
    for (const message of page.messages) {
      if (message.conversationId !== this.conversationId) continue;
      // Events after the page were forgotten: it could be staler than what we hold, keep ours.
      if (this.bySeq.has(message.seq) && page.throughSeq < this.forgottenThrough) continue;
      this.put(message);
    }
    for (const event of this.recent) if (event.seq > page.throughSeq) foldEvent(this.target, event);
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
    if (this.recent.length > RECENT_EVENTS_KEPT) this.forgottenThrough = this.recent.shift()?.seq ?? this.forgottenThrough;
  }
}
