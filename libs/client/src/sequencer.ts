import type { ChatSyncResultFrame, ConversationEvent } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';

/**
 * How long a gap may stay open before a `chat_sync` is sent. Live frames of one conversation
 * can arrive out of seq order (an ack can overtake the live copy of an earlier event; frames
 * published by two gateway nodes have no common order), and nearly every such gap fills by
 * itself within milliseconds. Waiting this long avoids a needless sync for each of them and
 * delays a real gap (a lost frame) by no more than this.
 */
export const GAP_GRACE_MS = 500;

export interface SequencerDeps {
  clock: Clock;
  /** Called exactly once per (conversationId, seq), in seq order per conversation. */
  deliver(event: ConversationEvent): void;
  /** Ask the server for events with seq > afterSeq. Returns false when offline (not sent). */
  requestSync(conversationId: string, afterSeq: number): boolean;
  gapGraceMs?: number;
}

interface ConversationState {
  lastSeq: number;
  /** Events past a gap, waiting for the gap to fill. */
  pending: Map<number, ConversationEvent>;
  /** A chat_sync is in flight on the current socket. */
  syncing: boolean;
  /** A gap is open and its grace is running. */
  gapTimer?: TimerHandle;
  /** A chat_resync came while that sync was in flight: its answer may predate what was lost. */
  resyncAfter?: boolean;
}

/**
 * Turns the at-most-once, possibly duplicated and reordered stream of chat_event / chat_ack /
 * chat_sync_result into exactly-once, in-order delivery of each conversation's event log.
 *
 * - tracked conversation: seq <= lastSeq is dropped; lastSeq + 1 is delivered; anything later is
 *   buffered, and if the gap is still open after GAP_GRACE_MS a chat_sync from lastSeq fills it.
 * - a sync page is applied in order, then lastSeq moves to the page's `throughSeq`, so a seq no
 *   event holds can never wedge the conversation.
 * - untracked conversation: its first event is delivered and tracking starts at that seq (older
 *   history is the UI's to load over HTTP, then `track` catches up).
 * - after every hello_ok, `resume` syncs each tracked conversation from its lastSeq at once, and
 *   `resync` (chat_resync) does the same for the conversations the server names.
 */
export class ConversationSequencer {
  private readonly conversations = new Map<string, ConversationState>();
  private readonly gapGraceMs: number;

  constructor(private readonly deps: SequencerDeps) {
    this.gapGraceMs = deps.gapGraceMs ?? GAP_GRACE_MS;
  }

  /** The UI already holds everything up to `lastSeq`. Never moves a conversation backwards. */
  track(conversationId: string, lastSeq: number): void {
    const state = this.conversations.get(conversationId);
    if (!state) {
      this.conversations.set(conversationId, { lastSeq, pending: new Map(), syncing: false });
      // Anything committed between the UI's HTTP load and now is fetched, not waited for.
      this.sync(conversationId);
      return;
    }
    this.advanceTo(state, lastSeq);
  }

  untrack(conversationId: string): void {
    const state = this.conversations.get(conversationId);
    if (state) this.clearGap(state);
    this.conversations.delete(conversationId);
  }

  lastSeq(conversationId: string): number | undefined {
    return this.conversations.get(conversationId)?.lastSeq;
  }

  tracked(): string[] {
    return [...this.conversations.keys()];
  }

  receive(event: ConversationEvent): void {
    let state = this.conversations.get(event.conversationId);
    if (!state) {
      state = { lastSeq: event.seq - 1, pending: new Map(), syncing: false };
      this.conversations.set(event.conversationId, state);
    }
    if (event.seq <= state.lastSeq) return;
    if (event.seq === state.lastSeq + 1) {
      state.lastSeq = event.seq;
      this.deps.deliver(event);
      this.drain(state);
      return;
    }
    state.pending.set(event.seq, event);
    this.gapSeen(event.conversationId, state);
  }

  receiveSync(frame: ChatSyncResultFrame): void {
    const state = this.conversations.get(frame.conversationId);
    if (!state) return; // untracked meanwhile: nobody wants these
    const before = state.lastSeq;
    state.syncing = false;
    for (const event of frame.events) {
      if (event.conversationId === frame.conversationId) this.receive(event);
    }
    this.skipTo(state, frame.throughSeq);
    if (frame.hasMore && state.lastSeq > before) {
      this.sync(frame.conversationId);
      return;
    }
    if (state.resyncAfter) {
      state.resyncAfter = false;
      this.sync(frame.conversationId);
      return;
    }
    // What is still buffered lies past throughSeq: committed after this page was read, so the
    // live copies of the seqs before it are most likely on their way. Give them the same grace
    // as any gap; a copy that was really lost is fetched when it runs out.
    if (state.pending.size > 0) this.gapSeen(frame.conversationId, state);
  }

  /** A chat_sync is in flight: its answer may be large (and delay a pong behind it). */
  syncing(): boolean {
    for (const state of this.conversations.values()) if (state.syncing) return true;
    return false;
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

  private advanceTo(state: ConversationState, seq: number): void {
    if (seq <= state.lastSeq) return;
    // Events up to `seq` are held by the caller (the UI loaded them, or a sync page covered
    // them): buffered copies are no longer needed, and what follows on directly can go out.
    state.lastSeq = seq;
    for (const buffered of state.pending.keys()) if (buffered <= seq) state.pending.delete(buffered);
    this.drain(state);
  }

  /**
   * The server says the log holds nothing more up to `seq` than what it sent: a seq still
   * missing below it is a hole that will never fill. Deliver what is buffered up to there, in
   * order, and continue after it.
   */
  private skipTo(state: ConversationState, seq: number): void {
    if (seq <= state.lastSeq) return;
    const below = [...state.pending.keys()].filter((buffered) => buffered <= seq).sort((a, b) => a - b);
    for (const buffered of below) {
      const event = state.pending.get(buffered) as ConversationEvent;
      state.pending.delete(buffered);
      state.lastSeq = buffered;
      this.deps.deliver(event);
    }
    state.lastSeq = seq;
    this.drain(state);
  }

  private gapSeen(conversationId: string, state: ConversationState): void {
    if (state.syncing || state.gapTimer !== undefined) return;
    state.gapTimer = this.deps.clock.setTimeout(() => {
      state.gapTimer = undefined;
      if (state.pending.size > 0) this.sync(conversationId);
    }, this.gapGraceMs);
  }

  private clearGap(state: ConversationState): void {
    if (state.gapTimer === undefined) return;
    this.deps.clock.clearTimeout(state.gapTimer);
    state.gapTimer = undefined;
  }

  private sync(conversationId: string): void {
    const state = this.conversations.get(conversationId);
    if (!state || state.syncing) return;
    this.clearGap(state);
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
    if (state.pending.size === 0) this.clearGap(state);
  }

  /** Stops every gap timer (the client is closing). */
  dispose(): void {
    for (const state of this.conversations.values()) this.clearGap(state);
  }
}
