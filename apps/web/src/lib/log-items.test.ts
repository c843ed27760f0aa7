import { describe, expect, it } from 'vitest';
import { ANA, ME, message } from '../testing/fixtures.ts';
import { buildLogItems, lastEditable } from './log-items.ts';

const since = '2026-01-01T12:00:00.000Z';
const nameOf = () => 'Ana Lima';

describe('buildLogItems', () => {
  it('lists committed messages, then pending and failed sends', () => {
    const items = buildLogItems(
      [message(1)],
      [
        { clientId: 'pending-1', body: 'on its way', state: 'sending', since },
        { clientId: 'failed-01', body: 'lost', state: 'failed', since, text: "You can't send to this conversation any more" },
      ],
      ME,
      nameOf,
    );
    expect(items.map((i) => [i.key, i.state])).toEqual([
      ['m:1', 'delivered'],
      ['p:pending-1', 'sending'],
      ['p:failed-01', 'failed'],
    ]);
    expect(items[2]).toMatchObject({ own: true, clientId: 'failed-01', error: "You can't send to this conversation any more" });
  });

  it('offers Cancel only for a waiting or failed send that is not on the wire', () => {
    const items = buildLogItems(
      [],
      [
        { clientId: 'sending-1', body: 'a', state: 'sending', since, inFlight: false },
        { clientId: 'waiting-1', body: 'b', state: 'waiting', since, inFlight: false, text: 'Waiting for connection…' },
        { clientId: 'waiting-2', body: 'c', state: 'waiting', since, inFlight: true },
        { clientId: 'failed-01', body: 'd', state: 'failed', since, inFlight: false },
      ],
      ME,
      nameOf,
    );
    expect(items.map((i) => [i.clientId, i.state, i.cancellable])).toEqual([
      ['sending-1', 'sending', false],
      ['waiting-1', 'sending', true],
      ['waiting-2', 'sending', false],
      ['failed-01', 'failed', true],
    ]);
    expect(items[1]?.error).toBe('Waiting for connection…');
  });

  it('drops a pending send whose message already arrived', () => {
    const items = buildLogItems([message(1, { senderId: ME, clientId: 'abc-12345' })], [{ clientId: 'abc-12345', body: 'x', state: 'sending', since }], ME, nameOf);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ own: true, state: 'delivered' });
  });

  it('carries the call event of call messages', () => {
    const call = { callId: '20000000-0000-4000-8000-000000000001', media: 'video' as const, endReason: 'missed' as const, durationMs: 0 };
    const items = buildLogItems([message(1, { kind: 'call', body: '', call })], [], ME, nameOf);
    expect(items[0]?.call).toEqual(call);
    expect(buildLogItems([message(2)], [], ME, nameOf)[0]?.call).toBeUndefined();
  });

  it('makes system changes one-line entries of their own, and marks deleted and edited messages', () => {
    const items = buildLogItems(
      [
        message(1, { senderId: ANA, kind: 'system', body: '', system: { action: 'renamed', title: 'Trip' } }),
        message(2, { senderId: ANA, deletedAt: since, body: '' }),
        message(3, { senderId: ANA, editedAt: since, body: 'fixed' }),
        message(4, { senderId: ANA, kind: 'unknown', body: '' }),
      ],
      [],
      ME,
      nameOf,
    );
    expect(items.map((i) => i.kind)).toEqual(['system', 'text', 'text', 'unknown']);
    expect(items[0]).toMatchObject({ systemText: 'Ana Lima renamed the group to “Trip”', senderId: 'system:1' });
    expect(items[1]).toMatchObject({ deleted: true, edited: false });
    expect(items[2]).toMatchObject({ deleted: false, edited: true, body: 'fixed' });
  });
});

describe('buildLogItems: reactions, replies, mentions', () => {
  it('carries reactions, the reply quote from the loaded parent, and whether I am mentioned', () => {
    const parent = message(1, { body: 'Lunch?\nat noon' });
    const reply = message(2, {
      senderId: ME,
      body: 'yes @ana',
      mentions: [ANA],
      replyTo: { messageId: parent.id, seq: 1, senderId: ANA, kind: 'text', excerpt: 'stale excerpt' },
    });
    const ping = message(3, { mentions: [ME], reactions: [{ emoji: '👍', userIds: [ME] }] });
    const items = buildLogItems([parent, reply, ping], [], ME, nameOf, new Set([reply.id]));
    expect(items[1]).toMatchObject({ reply: { author: 'Ana Lima', text: 'Lunch?', seq: 1 }, mentionsMe: false, saving: true });
    expect(items[2]).toMatchObject({ mentionsMe: true, reactions: [{ emoji: '👍', userIds: [ME] }], saving: false });
  });

  it('quotes the parent of a pending reply from the composer’s draft', () => {
    const items = buildLogItems(
      [],
      [{ clientId: 'p-123456', body: 'sure', state: 'sending', since, replyTo: { messageId: 'gone', seq: 9, senderId: ANA, excerpt: 'Old question' } }],
      ME,
      nameOf,
    );
    expect(items[0]!.reply).toEqual({ messageId: 'gone', seq: 9, author: 'Ana Lima', text: 'Old question' });
    expect(items[0]!.mentions).toBeUndefined();
  });
});

describe('lastEditable', () => {
  it('finds my newest committed, undeleted text message', () => {
    const items = buildLogItems(
      [
        message(1, { senderId: ME, body: 'first' }),
        message(2, { senderId: ME, body: '', deletedAt: since }),
        message(3, { body: 'theirs' }),
      ],
      [{ clientId: 'p-123456', body: 'pending', state: 'sending', since }],
      ME,
      nameOf,
    );
    expect(lastEditable(items)?.body).toBe('first');
    expect(lastEditable([])).toBeUndefined();
  });
});
