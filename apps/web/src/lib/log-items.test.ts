import { describe, expect, it } from 'vitest';
import { ANA, ME, message } from '../testing/fixtures.ts';
import { buildLogItems } from './log-items.ts';

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
