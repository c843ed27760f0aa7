import { describe, expect, it } from 'vitest';
import type { ReadStateFrame } from '@parley/protocol';
import { seenBy } from './read-receipts.ts';
import { FAKE_USER } from './testing/fake-socket.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B } from './testing/messages.ts';
import { BOB, CAROL, unitClient } from './testing/unit-client.ts';

const read = (userId: string, lastReadSeq: number, conversationId = A): ReadStateFrame => ({
  type: 'read_state',
  conversationId,
  userId,
  lastReadSeq,
});

describe('read receipts', () => {
  it('keeps every member position per conversation and never moves it back', () => {
    const { client, connect, deliver } = unitClient();
    const events: ReadStateFrame[] = [];
    client.on('read_state', (f) => events.push(f));
    connect();
    deliver(read(BOB, 5));
    deliver(read(CAROL, 3));
    deliver(read(BOB, 4)); // late frame from another node
    deliver(read(BOB, 2, B));
    expect(client.readStates(A)).toEqual(
      new Map([
        [BOB, 5],
        [CAROL, 3],
      ]),
    );
    expect(client.readStates(B).get(BOB)).toBe(2);
    expect(events).toHaveLength(4);
    client.seedReadStates(A, { [CAROL]: 9, [BOB]: 1 });
    expect(Object.fromEntries(client.readStates(A))).toEqual({ [BOB]: 5, [CAROL]: 9 });
  });

  it('forgets a conversation the user was removed from', () => {
    const { client, connect, deliver } = unitClient();
    connect();
    deliver(read(BOB, 5));
    deliver({ type: 'conversation_changed', conversationId: A, change: 'removed' });
    expect(client.readStates(A).size).toBe(0);
  });

  it('seenBy lists who reached the seq, minus the excluded', () => {
    const states = new Map([
      [BOB, 7],
      [CAROL, 4],
      [FAKE_USER.id, 9],
    ]);
    expect(seenBy(states, 5, [FAKE_USER.id])).toEqual([BOB]);
    expect(seenBy(states, 4, [FAKE_USER.id])).toEqual([BOB, CAROL]);
    expect(seenBy({ [BOB]: 7, [CAROL]: 8 }, 8)).toEqual([CAROL]);
  });
});
