import type { ChatSyncResultFrame, Message } from '@parley/protocol';

export interface SequencerDeps {
  /** Called exactly once per (conversationId, seq), in seq order per conversation. */
  deliver(message: Message): void;
  /** Ask the server for messages with seq > afterSeq. Returns false when offline (not sent). */
  requestSync(conversationId: string, afterSeq: number): boolean;
}

interface ConversationState {
  lastSeq: number;
  /** Messages past a gap, waiting for the gap to fill. */
  pending: Map<number, Message>;
  /** A chat_sync is in flight on the current socket. */
  syncing: boolean;
  /** A chat_resync came while that sync was in flight: its answer may predate what was lost. */
  resyncAfter?: boolean;
}

/**
 * Turns the at-most-once, possibly duplicated stream of chat_message / chat_ack /
 * chat_sync_result into exactly-once, in-order delivery per conversation.
 *
 * Rules (see README "Resume rules"):
 * - tracked conversation: seq <= lastSeq is dropped; lastSeq + 1 is delivered; anything later is
 *   buffered and a chat_sync from lastSeq is sent to fill the gap.
 * - untracked conversation: its first message is delivered and tracking starts at that seq
 *   (older history is the UI's to load over HTTP, then `track` catches up).
 * - after every hello_ok, `resume` syncs each tracked conversation from its lastSeq.
 */
export class ConversationSequencer {
  private readonly conversations = new Map<string, ConversationState>();

  constructor(private readonly deps: SequencerDeps) {}

  /** The UI already holds everything up to `lastSeq`. Never moves a conversation backwards. */
  track(conversationId: string, lastSeq: number): void {
    const state = this.conversations.get(conversationId);
    if (!state) {
      this.conversations.set(conversationId, { lastSeq, pending: new Map(), syncing: false });
      // Anything committed between the UI's HTTP load and now is fetched, not waited for.
      this.sync(conversationId);
      return;
    }
    if (lastSeq <= state.lastSeq) return;
    state.lastSeq = lastSeq;
    for (const seq of state.pending.keys()) if (seq <= lastSeq) state.pending.delete(seq);
    this.drain(state);
  }

  untrack(conversationId: string): void {
    this.conversations.delete(conversationId);
  }

  lastSeq(conversationId: string): number | undefined {
    return this.conversations.get(conversationId)?.lastSeq;
  }

  tracked(): string[] {
    return [...this.conversations.keys()];
  }

  receive(message: Message): void {
    let state = this.conversations.get(message.conversationId);
    if (!state) {
      state = { lastSeq: message.seq - 1, pending: new Map(), syncing: false };
      this.conversations.set(message.conversationId, state);
    }
    if (message.seq <= state.lastSeq) return;
    if (message.seq === state.lastSeq + 1) {
      state.lastSeq = message.seq;
      this.deps.deliver(message);
      this.drain(state);
      return;
    }
    state.pending.set(message.seq, message);
    if (!state.syncing) this.sync(message.conversationId);
  }

  receiveSync(frame: ChatSyncResultFrame): void {
    const state = this.conversations.get(frame.conversationId);
    if (!state) return; // untracked meanwhile: nobody wants these
    const before = state.lastSeq;
    state.syncing = false;
    for (const message of frame.messages) {
      if (message.conversationId === frame.conversationId) this.receive(message);
    }
    const last = frame.messages.at(-1);
    if (frame.hasMore && last !== undefined) {
      this.sync(frame.conversationId);
      return;
    }
    if (state.resyncAfter) {
      state.resyncAfter = false;
      this.sync(frame.conversationId);
      return;
    }
    // A gap can remain when a fan-out copy was lost while this page was in flight. Ask again only
    // if this page made progress, so a misbehaving server cannot put us in a tight loop.
    if (state.pending.size > 0 && state.lastSeq > before) this.sync(frame.conversationId);
  }

  /** The socket is gone: in-flight syncs will never be answered. */
  disconnected(): void {
    for (const state of this.conversations.values()) {
      state.syncing = false;
      state.resyncAfter = false; // resume syncs every conversation anyway
    }
  }

  /** A sync failed with an error frame; let the next gap or resume try again. */
  syncFailed(): void {
    this.disconnected();
  }

  /**
   * The server says live events of these conversations may have been lost (chat_resync): sync
   * each tracked one from lastSeq, or once more after the sync already in flight.
   */
  resync(conversationIds: readonly string[]): void {
    for (const conversationId of conversationIds) {
      const state = this.conversations.get(conversationId);
      if (state?.syncing) state.resyncAfter = true;
      else this.sync(conversationId);
    }
  }

  /** After hello_ok: fetch exactly what was missed, for every tracked conversation. */
  resume(): void {
    for (const conversationId of this.conversations.keys()) this.sync(conversationId);
  }

  private sync(conversationId: string): void {
    const state = this.conversations.get(conversationId);
    if (!state || state.syncing) return;
    state.syncing = this.deps.requestSync(conversationId, state.lastSeq);
  }

  private drain(state: ConversationState): void {
    let next = state.pending.get(state.lastSeq + 1);
    while (next) {
      state.pending.delete(next.seq);
      state.lastSeq = next.seq;
      this.deps.deliver(next);
      next = state.pending.get(state.lastSeq + 1);
    }
  }
}
