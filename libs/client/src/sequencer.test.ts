import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { ConversationSequencer } from './sequencer.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeMessage } from './testing/messages.ts';

function setup(online = true) {
  const delivered: Message[] = [];
  const syncs: Array<[string, number]> = [];
  const state = { online };
  const sequencer = new ConversationSequencer({
    deliver: (m) => delivered.push(m),
    requestSync: (conversationId, afterSeq) => {
      if (!state.online) return false;
      syncs.push([conversationId, afterSeq]);
      return true;
    },
  });
  const seqs = (conversationId = A) => delivered.filter((m) => m.conversationId === conversationId).map((m) => m.seq);
  return { sequencer, delivered, syncs, state, seqs };
}

describe('ConversationSequencer', () => {
  it('drops duplicates and messages at or below lastSeq', () => {
    const { sequencer, seqs } = setup();
    sequencer.track(A, 3);
    for (const seq of [2, 3, 4, 4, 5, 4]) sequencer.receive(makeMessage(A, seq));
    expect(seqs()).toEqual([4, 5]);
    expect(sequencer.lastSeq(A)).toBe(5);
  });

  it('buffers past a gap, syncs from lastSeq once, and delivers in order when filled', () => {
    const { sequencer, syncs, seqs, state } = setup(false);
    sequencer.track(A, 1); // offline: no sync in flight
    state.online = true;
    sequencer.receive(makeMessage(A, 4));
    sequencer.receive(makeMessage(A, 5));
    expect(seqs()).toEqual([]);
    expect(syncs).toEqual([[A, 1]]);
    sequencer.receiveSync({
      type: 'chat_sync_result',
      conversationId: A,
      afterSeq: 1,
      messages: [2, 3, 4].map((s) => makeMessage(A, s)),
      hasMore: false,
    });
    expect(seqs()).toEqual([2, 3, 4, 5]);
    expect(syncs).toHaveLength(1);
  });

  it('pages through hasMore from the new lastSeq', () => {
    const { sequencer, syncs, seqs } = setup();
    sequencer.track(A, 0);
    sequencer.receiveSync({
      type: 'chat_sync_result',
      conversationId: A,
      afterSeq: 0,
      messages: [1, 2].map((s) => makeMessage(A, s)),
      hasMore: true,
    });
    expect(syncs).toEqual([
      [A, 0],
      [A, 2],
    ]);
    expect(seqs()).toEqual([1, 2]);
  });

  it('starts an untracked conversation at its first message', () => {
    const { sequencer, seqs, syncs } = setup();
    sequencer.receive(makeMessage(B, 7));
    sequencer.receive(makeMessage(B, 8));
    expect(seqs(B)).toEqual([7, 8]);
    expect(syncs).toEqual([]);
  });

  it('track() never moves back and drains buffered messages it now connects to', () => {
    const { sequencer, seqs } = setup();
    sequencer.track(A, 0);
    sequencer.receive(makeMessage(A, 5));
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

  it('resync() syncs the named tracked conversations, and once more after a sync already in flight', () => {
    const { sequencer, syncs, seqs } = setup();
    sequencer.track(A, 4); // sync A from 4 in flight
    sequencer.track(B, 7); // sync B from 7 in flight
    sequencer.receiveSync({ type: 'chat_sync_result', conversationId: B, afterSeq: 7, messages: [], hasMore: false });
    syncs.length = 0;

    sequencer.resync([A, B, 'untracked']);
    expect(syncs).toEqual([[B, 7]]); // A's answer is awaited; nothing for an untracked one
    sequencer.receiveSync({ type: 'chat_sync_result', conversationId: A, afterSeq: 4, messages: [makeMessage(A, 5)], hasMore: false });
    // That answer may have been read before the lost events were committed: ask again, from 5.
    expect(syncs).toEqual([
      [B, 7],
      [A, 5],
    ]);
    expect(seqs()).toEqual([5]);
  });
});
