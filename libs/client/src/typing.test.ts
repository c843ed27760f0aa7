import { describe, expect, it } from 'vitest';
import { TYPING_REFRESH_MS } from '@parley/protocol';
import type { TypingChange } from './typing-tracker.ts';
import { FAKE_USER } from './testing/fake-socket.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeCreated } from './testing/messages.ts';
import { BOB, CAROL, unitClient } from './testing/unit-client.ts';

const typingFrames = (socket: { sentOfType(t: 'typing'): { conversationId: string; active: boolean }[] }) =>
  socket.sentOfType('typing').map((f) => `${f.conversationId === A ? 'A' : 'B'}:${f.active}`);

describe('typing out', () => {
  it('sends active:true at most once per refresh interval per conversation', () => {
    const { client, clock, connect } = unitClient();
    const socket = connect();
    client.setTyping(A, true);
    clock.advance(TYPING_REFRESH_MS - 1);
    client.setTyping(A, true);
    client.setTyping(B, true);
    expect(typingFrames(socket)).toEqual(['A:true', 'B:true']);
    clock.advance(1);
    client.setTyping(A, true);
    expect(typingFrames(socket)).toEqual(['A:true', 'B:true', 'A:true']);
  });

  it('sends active:false only after a true, once, and a new true goes out at once after it', () => {
    const { client, connect } = unitClient();
    const socket = connect();
    client.setTyping(A, false);
    client.setTyping(A, true);
    client.setTyping(A, false);
    client.setTyping(A, false);
    client.setTyping(A, true);
    expect(typingFrames(socket)).toEqual(['A:true', 'A:false', 'A:true']);
  });

  it('stops typing before the chat_send of a message in that conversation', () => {
    const { client, connect } = unitClient();
    const socket = connect();
    client.setTyping(A, true);
    client.setTyping(B, true);
    client.send(A, 'hi');
    expect(socket.sent.filter((f) => f.type !== 'hello').map((f) => f.type + ('active' in f ? `:${f.active}` : ''))).toEqual([
      'typing:true',
      'typing:true',
      'typing:false',
      'chat_send',
    ]);
    expect(socket.sentOfType('typing')[2]?.conversationId).toBe(A);
  });

  it('sends nothing offline and forgets what was sent when the socket drops', () => {
    const { client, clock, connect, reconnect } = unitClient();
    client.setTyping(A, true);
    const first = connect();
    expect(typingFrames(first)).toEqual([]);
    client.setTyping(A, true);
    const second = reconnect();
    clock.advance(1); // well within the refresh interval: the new connection still needs a true
    client.setTyping(A, false);
    client.setTyping(A, true);
    expect(typingFrames(first)).toEqual(['A:true']);
    expect(typingFrames(second)).toEqual(['A:true']);
  });
});

describe('typing in', () => {
  function setup() {
    const t = unitClient();
    const changes: TypingChange[] = [];
    t.client.on('typing', (c) => changes.push(c));
    t.connect();
    const typing = (userId: string, active: boolean, expiresInMs = 6000, conversationId = A) =>
      t.deliver({ type: 'typing_update', conversationId, userId, active, expiresInMs });
    return { ...t, changes, typing };
  }

  it('expires an entry after expiresInMs unless refreshed', () => {
    const { client, clock, changes, typing } = setup();
    typing(BOB, true, 6000);
    clock.advance(5000);
    typing(BOB, true, 6000); // refresh: no event, new deadline
    clock.advance(5999);
    expect(client.typingUsers(A)).toEqual([BOB]);
    clock.advance(1);
    expect(client.typingUsers(A)).toEqual([]);
    expect(changes).toEqual([
      { conversationId: A, userIds: [BOB] },
      { conversationId: A, userIds: [] },
    ]);
  });

  it('removes on active:false and on a chat_message from that user in that conversation', () => {
    const { client, deliver, typing } = setup();
    typing(BOB, true);
    typing(CAROL, true);
    typing(BOB, true, 6000, B);
    typing(BOB, false);
    expect(client.typingUsers(A)).toEqual([CAROL]);
    deliver({ type: 'chat_event', event: makeCreated(A, 1, { senderId: CAROL }) });
    deliver({ type: 'chat_event', event: makeCreated(A, 2, { senderId: BOB }) });
    expect(client.typingUsers(A)).toEqual([]);
    expect(client.typingUsers(B)).toEqual([BOB]);
  });

  it('ignores our own typing from other tabs', () => {
    const { client, changes, typing } = setup();
    typing(FAKE_USER.id, true);
    expect(client.typingUsers(A)).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('clears every conversation on disconnect, with an event for each', () => {
    const { client, fake, changes, typing } = setup();
    typing(BOB, true);
    typing(CAROL, true, 6000, B);
    changes.length = 0;
    fake.last().drop(1006);
    expect(client.typingUsers(A)).toEqual([]);
    expect(client.typingUsers(B)).toEqual([]);
    expect(changes).toEqual([
      { conversationId: A, userIds: [] },
      { conversationId: B, userIds: [] },
    ]);
  });
});
