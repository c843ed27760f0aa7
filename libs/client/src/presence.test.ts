import { describe, expect, it } from 'vitest';
import type { UserPresence } from '@parley/protocol';
import { BOB, CAROL, unitClient } from './testing/unit-client.ts';

const online = (userId: string): UserPresence => ({ userId, status: 'online', lastSeenAt: null });
const offline = (userId: string, at = '2025-01-01T00:00:00.000Z'): UserPresence => ({
  userId,
  status: 'offline',
  lastSeenAt: at,
});

describe('presence', () => {
  function setup() {
    const t = unitClient();
    const events: UserPresence[] = [];
    t.client.on('presence', (p) => events.push(p));
    return { ...t, events };
  }

  it('fills from the snapshot and updates from presence frames, with an event per change', () => {
    const { client, connect, deliver, events } = setup();
    connect();
    deliver({ type: 'presence_snapshot', users: [online(BOB), offline(CAROL)] });
    expect(client.presence(BOB)).toEqual(online(BOB));
    deliver({ type: 'presence', userId: BOB, status: 'away', lastSeenAt: null });
    deliver({ type: 'presence', userId: BOB, status: 'away', lastSeenAt: null }); // no change
    expect(client.presence(BOB)).toEqual({ userId: BOB, status: 'away', lastSeenAt: null });
    expect(events.map((p) => `${p.userId === BOB ? 'bob' : 'carol'}:${p.status}`)).toEqual([
      'bob:online',
      'carol:offline',
      'bob:away',
    ]);
  });

  it('applies a presence_batch entry by entry, in order, as presence frames', () => {
    const { client, connect, deliver, events } = setup();
    connect();
    deliver({ type: 'presence_snapshot', users: [offline(BOB), offline(CAROL)] });
    events.length = 0;
    deliver({ type: 'presence_batch', users: [online(BOB), online(CAROL), { userId: BOB, status: 'away', lastSeenAt: null }] });
    expect(client.presence(BOB)).toEqual({ userId: BOB, status: 'away', lastSeenAt: null });
    expect(client.presence(CAROL)).toEqual(online(CAROL));
    expect(events.map((p) => `${p.userId === BOB ? 'bob' : 'carol'}:${p.status}`)).toEqual(['bob:online', 'carol:online', 'bob:away']);
  });

  it('replaces everything with the snapshot after a reconnect, reporting only differences', () => {
    const { client, connect, reconnect, deliver, events } = setup();
    connect();
    deliver({ type: 'presence_snapshot', users: [online(BOB), offline(CAROL)] });
    events.length = 0;
    reconnect();
    const later = offline(BOB, '2025-02-02T00:00:00.000Z');
    deliver({ type: 'presence_snapshot', users: [later, offline(CAROL)] });
    expect(events).toEqual([later]);
    expect(client.presence(BOB)).toEqual(later);
    deliver({ type: 'presence_snapshot', users: [later] });
    expect(client.presence(CAROL)).toBeUndefined(); // no longer shares a conversation
  });
});

describe('own activity', () => {
  it('sends presence_set on change only, and re-sends idle after every hello_ok', () => {
    const { client, connect, reconnect } = unitClient();
    client.setActivity('idle'); // offline: goes out after hello_ok
    const first = connect();
    client.setActivity('idle');
    client.setActivity('active');
    client.setActivity('idle');
    expect(first.sentOfType('presence_set').map((f) => f.state)).toEqual(['idle', 'active', 'idle']);
    const second = reconnect();
    expect(second.sentOfType('presence_set').map((f) => f.state)).toEqual(['idle']);
    client.setActivity('active');
    const third = reconnect(); // the server assumes active: nothing to say
    expect(third.sentOfType('presence_set')).toEqual([]);
    expect(client.activity).toBe('active');
  });

  it('says which conversation a focused window shows (for Web Push), on change and after every hello_ok', () => {
    const { client, connect, reconnect } = unitClient();
    const conversation = '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e';
    client.setViewing(conversation); // offline: goes out after hello_ok
    const first = connect();
    client.setViewing(conversation);
    client.setActivity('idle');
    client.setViewing(null);
    expect(first.sentOfType('presence_set')).toEqual([
      { type: 'presence_set', state: 'active', viewing: conversation },
      { type: 'presence_set', state: 'idle', viewing: conversation },
      { type: 'presence_set', state: 'idle' },
    ]);
    client.setActivity('active');
    client.setViewing(conversation);
    const second = reconnect();
    expect(second.sentOfType('presence_set')).toEqual([{ type: 'presence_set', state: 'active', viewing: conversation }]);
  });
});
