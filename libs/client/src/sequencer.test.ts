import { describe, expect, it } from 'vitest';
import type { ChatSyncResultFrame, ConversationEvent } from '@parley/protocol';
import { ConversationSequencer, GAP_GRACE_MS } from './sequencer.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeCreated } from './testing/messages.ts';

function setup(online = true) {
  const delivered: ConversationEvent[] = [];
  const syncs: Array<[string, number]> = [];
  const state = { online };
  const clock = new FakeClock();
  const sequencer = new ConversationSequencer({
    clock,
    deliver: (e) => delivered.push(e),
    requestSync: (conversationId, afterSeq) => {
      if (!state.online) return false;
      syncs.push([conversationId, afterSeq]);
      return true;
    },
  });
  const seqs = (conversationId = A) => delivered.filter((e) => e.conversationId === conversationId).map((e) => e.seq);
  return { sequencer, delivered, syncs, state, seqs, clock };
}

const page = (conversationId: string, afterSeq: number, seqs: number[], throughSeq: number, hasMore = false): ChatSyncResultFrame => ({
  type: 'chat_sync_result',
  conversationId,
  afterSeq,
  events: seqs.map((s) => makeCreated(conversationId, s)),
  hasMore,
  throughSeq,
});

describe('ConversationSequencer', () => {
  it('drops duplicates and events at or below lastSeq', () => {
    const { sequencer, seqs } = setup();
    sequencer.track(A, 3);
    for (const seq of [2, 3, 4, 4, 5, 4]) sequencer.receive(makeCreated(A, seq));
    expect(seqs()).toEqual([4, 5]);
    expect(sequencer.lastSeq(A)).toBe(5);
  });

  it('waits a short grace for a gap to fill by itself before it syncs (an ack that overtook its live copy)', () => {
    const { sequencer, syncs, seqs, clock } = setup();
    sequencer.track(A, 1);
    sequencer.receiveSync(page(A, 1, [], 1));
    syncs.length = 0;
    // Our ack for seq 3 arrives before the live copy of someone else's seq 2.
    sequencer.receive(makeCreated(A, 3));
    clock.advance(GAP_GRACE_MS - 1);
    sequencer.receive(makeCreated(A, 2));
    expect(seqs()).toEqual([2, 3]);
    clock.advance(GAP_GRACE_MS * 4);
    expect(syncs).toEqual([]);
  });

  it('syncs from lastSeq once when a gap outlives its grace, and delivers in order when filled', () => {
    const { sequencer, syncs, seqs, state, clock } = setup(false);
    sequencer.track(A, 1); // offline: no sync in flight
    state.online = true;
    sequencer.receive(makeCreated(A, 4));
    sequencer.receive(makeCreated(A, 5));
    expect(syncs).toEqual([]);
    clock.advance(GAP_GRACE_MS);
    expect(seqs()).toEqual([]);
    expect(syncs).toEqual([[A, 1]]);
    sequencer.receiveSync(page(A, 1, [2, 3, 4], 4));
    expect(seqs()).toEqual([2, 3, 4, 5]);
    clock.advance(GAP_GRACE_MS * 4);
    expect(syncs).toHaveLength(1);
  });

  it('gives what a sync page leaves buffered the same grace: its live copies are on their way', () => {
    const { sequencer, syncs, seqs, clock } = setup();
    sequencer.track(A, 0);
    sequencer.receive(makeCreated(A, 5)); // our ack for 5, committed after the page below was read
    sequencer.receiveSync(page(A, 0, [1, 2, 3], 3));
    expect(syncs).toEqual([[A, 0]]);
    clock.advance(GAP_GRACE_MS - 1);
    sequencer.receive(makeCreated(A, 4)); // the live copy of 4
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    clock.advance(GAP_GRACE_MS * 4);
    expect(syncs).toEqual([[A, 0]]);
  });

  it('pages through hasMore from throughSeq', () => {
    const { sequencer, syncs, seqs } = setup();
    sequencer.track(A, 0);
    sequencer.receiveSync(page(A, 0, [1, 2], 2, true));
    expect(syncs).toEqual([
      [A, 0],
      [A, 2],
    ]);
    expect(seqs()).toEqual([1, 2]);
  });

  it('never wedges on a seq that no event holds: throughSeq moves past the hole', () => {
    const { sequencer, syncs, seqs, clock } = setup();
    sequencer.track(A, 1);
    // Seqs 2 and 3 will never exist; 4 arrives live.
    sequencer.receive(makeCreated(A, 4));
    clock.advance(GAP_GRACE_MS);
    expect(syncs.at(-1)).toEqual([A, 1]);
    sequencer.receiveSync(page(A, 1, [4], 4));
    expect(seqs()).toEqual([4]);
    expect(sequencer.lastSeq(A)).toBe(4);
    sequencer.receive(makeCreated(A, 5));
    expect(seqs()).toEqual([4, 5]);
    // An empty page that only moves the position delivers nothing and asks nothing more.
    const before = syncs.length;
    sequencer.receiveSync(page(A, 5, [], 9));
    expect(sequencer.lastSeq(A)).toBe(9);
    expect(syncs).toHaveLength(before);
  });

  it('delivers events of kinds it does not know, so they hold their place and advance lastSeq', () => {
    const { sequencer, delivered } = setup();
    sequencer.track(A, 0);
    sequencer.receive(makeCreated(A, 1));
    sequencer.receive({ kind: 'unknown', conversationId: A, seq: 2, wireKind: 'poll_created' });
    sequencer.receive(makeCreated(A, 3));
    expect(delivered.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'message_created'],
      [2, 'unknown'],
      [3, 'message_created'],
    ]);
  });

  it('starts an untracked conversation at its first event', () => {
    const { sequencer, seqs, syncs } = setup();
    sequencer.receive(makeCreated(B, 7));
    sequencer.receive(makeCreated(B, 8));
    expect(seqs(B)).toEqual([7, 8]);
    expect(syncs).toEqual([]);
  });

  it('track() never moves back and drains buffered events it now connects to', () => {
    const { sequencer, seqs } = setup();
    sequencer.track(A, 0);
    sequencer.receive(makeCreated(A, 5));
    sequencer.track(A, 4);
    expect(seqs()).toEqual([5]);
    sequencer.track(A, 2);
    expect(sequencer.lastSeq(A)).toBe(5);
  });

  it('resume() syncs every tracked conversation from its lastSeq, unsent syncs are retried', () => {
    const { sequencer, syncs, state } = setup(false);
    sequencer.track(A, 10);
    sequencer.track(B, 3);
    expect(syncs).toEqual([]);
    state.online = true;
    sequencer.resume();
    expect(syncs).toEqual([
      [A, 10],
      [B, 3],
    ]);
    // One sync at a time per conversation, until the socket is lost.
    sequencer.resume();
    expect(syncs).toHaveLength(2);
    sequencer.disconnected();
    sequencer.resume();
    expect(syncs).toHaveLength(4);
  });

  it('resync() (chat_resync) syncs the named tracked conversations at once, without waiting for a gap', () => {
    const { sequencer, syncs } = setup();
    sequencer.track(A, 10);
    sequencer.track(B, 3);
    sequencer.receiveSync(page(A, 10, [], 10));
    sequencer.receiveSync(page(B, 3, [], 3));
    syncs.length = 0;
    sequencer.resync([B, '00000000-0000-4000-8000-00000000ffff']);
    expect(syncs).toEqual([[B, 3]]);
  });

  it('resync() syncs once more after a sync already in flight, whose answer may predate what was lost', () => {
    const { sequencer, syncs, seqs } = setup();
    sequencer.track(A, 4); // sync A from 4 in flight
    sequencer.track(B, 7); // sync B from 7 in flight
    sequencer.receiveSync(page(B, 7, [], 7));
    syncs.length = 0;

    sequencer.resync([A, B]);
    expect(syncs).toEqual([[B, 7]]); // A's answer is awaited
    sequencer.receiveSync(page(A, 4, [5], 5));
    expect(syncs).toEqual([
      [B, 7],
      [A, 5],
    ]);
    expect(seqs()).toEqual([5]);
  });
});
