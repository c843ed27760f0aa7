import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_PRESENCE_WATCH, TYPING_TTL_MS, type ClientFrame, type UserPresence } from '@parley/protocol';
import { createParleyClient, type ParleyClient } from './client.ts';
import { seenBy } from './read-receipts.ts';
import { OTHER_USER_ID as BOB, startFakeGateway, type FakeGateway } from './testing/fake-server.ts';
import { CONVERSATION_A as A } from './testing/messages.ts';
import type { TypingChange } from './typing-tracker.ts';
import { waitFor } from './testing/wait-for.ts';

let gateway: FakeGateway | undefined;
const clients: ParleyClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gateway?.close();
  gateway = undefined;
});

function connectClient(g: FakeGateway): ParleyClient {
  const client = createParleyClient({ url: g.url, WebSocket, reconnect: { nextDelayMs: () => 20 } });
  clients.push(client);
  client.connect();
  return client;
}

const framesOf = <T extends ClientFrame['type']>(g: FakeGateway, type: T) =>
  g.received.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);

describe('presence, typing and read receipts over a real socket', () => {
  it('takes the snapshot, re-announces idle and refreshes the snapshot after a reconnect', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    g.presence = [{ userId: BOB, status: 'online', lastSeenAt: null }];
    const client = connectClient(g);
    const seen: UserPresence[] = [];
    client.on('presence', (p) => seen.push(p));
    await waitFor(() => client.presence(BOB)?.status === 'online', 'snapshot');

    client.setActivity('idle');
    await waitFor(() => client.presence(g.user.id)?.status === 'away', 'own presence echoed');

    g.presence = [{ userId: BOB, status: 'offline', lastSeenAt: new Date().toISOString() }];
    const before = framesOf(g, 'presence_set').length;
    g.terminateAll();
    await waitFor(() => client.presence(BOB)?.status === 'offline', 'snapshot after reconnect');
    await waitFor(() => framesOf(g, 'presence_set').length === before + 1, 'idle re-sent');
    expect(framesOf(g, 'presence_set').map((f) => f.state)).toEqual(['idle', 'idle']);
    expect(seen.filter((p) => p.userId === BOB).map((p) => p.status)).toEqual(['online', 'offline']);
  });

  it('in watch mode: no snapshot of everyone at connect; the watch is sent, answered and sent again after a reconnect', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    const CAROL = '00000000-0000-4000-8000-0000000000c0';
    g.presence = [
      { userId: BOB, status: 'online', lastSeenAt: null },
      { userId: CAROL, status: 'online', lastSeenAt: null },
    ];
    const client = createParleyClient({ url: g.url, WebSocket, reconnect: { nextDelayMs: () => 20 }, presence: 'watch' });
    clients.push(client);
    client.watchPresence([BOB, BOB]);
    client.connect();
    await waitFor(() => client.presence(BOB)?.status === 'online', 'watched snapshot');
    expect(client.presence(CAROL)).toBeUndefined();
    expect(framesOf(g, 'hello').map((f) => f.presence)).toEqual(['watch']);
    expect(framesOf(g, 'presence_watch').map((f) => f.userIds)).toEqual([[BOB]]);

    client.watchPresence([CAROL]);
    await waitFor(() => client.presence(CAROL)?.status === 'online', 'new watch answered');
    expect(client.presence(BOB)).toBeUndefined();

    g.presence = [{ userId: CAROL, status: 'offline', lastSeenAt: new Date().toISOString() }];
    g.terminateAll();
    await waitFor(() => client.presence(CAROL)?.status === 'offline', 'watch sent again after the reconnect');
    expect(framesOf(g, 'presence_watch').map((f) => f.userIds)).toEqual([[BOB], [CAROL], [CAROL]]);
    expect(() => client.watchPresence(Array.from({ length: MAX_PRESENCE_WATCH + 1 }, (_, i) => `user-${i}`))).toThrow(/At most/);
  });

  it('in watch mode on a server that predates presence_watch: takes its full snapshot and never sends the watch', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    g.knowsPresenceWatch = false;
    g.presence = [{ userId: BOB, status: 'online', lastSeenAt: null }];
    const client = createParleyClient({ url: g.url, WebSocket, reconnect: { nextDelayMs: () => 20 }, presence: 'watch' });
    clients.push(client);
    client.connect();
    await waitFor(() => client.presence(BOB)?.status === 'online', 'full snapshot');
    client.watchPresence([BOB]);
    // A frame sent after it arrives after it: once presence_set is in, a watch would be too.
    client.setActivity('idle');
    await waitFor(() => framesOf(g, 'presence_set').length === 1, 'presence_set after the watch');
    expect(framesOf(g, 'presence_watch')).toEqual([]);
    expect(client.presence(BOB)?.status).toBe('online');
  });

  it('throttles typing, stops it before a send, and tracks other users until their message', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    const client = connectClient(g);
    const other = connectClient(g); // same user in another tab: must not see itself typing
    const changes: TypingChange[] = [];
    client.on('typing', (c) => changes.push(c));
    const otherChanges: TypingChange[] = [];
    other.on('typing', (c) => otherChanges.push(c));
    await waitFor(() => client.status === 'open' && other.status === 'open', 'both open');

    client.setTyping(A, true);
    client.setTyping(A, true);
    client.send(A, 'hello');
    await waitFor(() => g.messages(A).length === 1, 'message committed');
    expect(g.received.filter((f) => f.type === 'typing' || f.type === 'chat_send').map((f) => f.type)).toEqual([
      'typing',
      'typing',
      'chat_send',
    ]);
    expect(framesOf(g, 'typing').map((f) => f.active)).toEqual([true, false]);
    await waitFor(() => other.lastSeq(A) === 1, 'other tab got the message');
    expect(otherChanges).toEqual([]); // it was sent typing_update for our own user id

    g.broadcast({ type: 'typing_update', conversationId: A, userId: BOB, active: true, expiresInMs: TYPING_TTL_MS });
    await waitFor(() => client.typingUsers(A).length === 1, 'bob typing');
    g.commit(A, 'from bob');
    await waitFor(() => client.typingUsers(A).length === 0, 'bob stopped by his message');
    expect(changes).toEqual([
      { conversationId: A, userIds: [BOB] },
      { conversationId: A, userIds: [] },
    ]);
  });

  it('applies typing_batch as one typing_update per member, ignoring its own user', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    const client = connectClient(g);
    await waitFor(() => client.status === 'open', 'open');
    const CAROL = '6f1d2c3b-4a59-4e68-9b7a-8c9d0e1f2a3b';
    g.broadcast({
      type: 'typing_batch',
      conversationId: A,
      updates: [
        { userId: BOB, active: true, expiresInMs: TYPING_TTL_MS },
        { userId: CAROL, active: true, expiresInMs: TYPING_TTL_MS },
        { userId: g.user.id, active: true, expiresInMs: TYPING_TTL_MS },
      ],
    });
    await waitFor(() => client.typingUsers(A).length === 2, 'bob and carol typing');
    expect(client.typingUsers(A)).toEqual([BOB, CAROL]);
    g.broadcast({
      type: 'typing_batch',
      conversationId: A,
      updates: [
        { userId: CAROL, active: false, expiresInMs: 0 },
        { userId: BOB, active: true, expiresInMs: TYPING_TTL_MS },
      ],
    });
    await waitFor(() => client.typingUsers(A).length === 1, 'carol stopped');
    expect(client.typingUsers(A)).toEqual([BOB]);
  });

  it('keeps every member read position for "seen by"', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    const client = connectClient(g);
    await waitFor(() => client.status === 'open', 'open');
    g.broadcast({ type: 'read_state', conversationId: A, userId: BOB, lastReadSeq: 4 });
    g.broadcast({ type: 'read_state', conversationId: A, userId: BOB, lastReadSeq: 2 });
    client.markRead(A, 3);
    await waitFor(() => client.readStates(A).has(g.user.id), 'own read_state');
    expect(client.readStates(A).get(BOB)).toBe(4);
    expect(seenBy(client.readStates(A), 4, [g.user.id])).toEqual([BOB]);
    expect(seenBy(client.readStates(A), 3, [])).toEqual([BOB, g.user.id]);
  });

  it('applies read_state_batch as one read_state per reader: receipts, own badge and events', async () => {
    gateway = await startFakeGateway();
    const g = gateway;
    const client = connectClient(g);
    await waitFor(() => client.status === 'open', 'open');
    const heard: Array<[string, number]> = [];
    client.on('read_state', (frame) => heard.push([frame.userId, frame.lastReadSeq]));
    g.broadcast({ type: 'read_state', conversationId: A, userId: BOB, lastReadSeq: 6 });
    g.broadcast({
      type: 'read_state_batch',
      conversationId: A,
      readers: [
        { userId: BOB, lastReadSeq: 5 },
        { userId: g.user.id, lastReadSeq: 7 },
      ],
    });
    await waitFor(() => client.readStates(A).has(g.user.id), 'own position from the batch');
    expect(heard).toEqual([
      [BOB, 6],
      [BOB, 5],
      [g.user.id, 7],
    ]);
    // Never backwards: the batch's older position for Bob does not lower him.
    expect(client.readStates(A).get(BOB)).toBe(6);
    expect(client.readStates(A).get(g.user.id)).toBe(7);
  });
});
