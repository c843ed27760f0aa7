import { describe, expect, it } from 'vitest';
import { ME, message } from '../testing/fixtures.ts';
import { buildLogItems } from './log-items.ts';

const since = '2026-01-01T12:00:00.000Z';

describe('buildLogItems', () => {
  it('lists committed messages, then pending and failed sends', () => {
    const items = buildLogItems(
      [message(1)],
      [
        { clientId: 'pending-1', body: 'on its way', state: 'sending', since },
        { clientId: 'failed-01', body: 'lost', state: 'failed', since, error: { message: 'Too many requests' } },
      ],
      ME,
    );
    expect(items.map((i) => [i.key, i.state])).toEqual([
      ['m:1', 'delivered'],
      ['p:pending-1', 'sending'],
      ['p:failed-01', 'failed'],
    ]);
    expect(items[2]).toMatchObject({ own: true, clientId: 'failed-01', error: 'Too many requests' });
  });

  it('drops a pending send whose message already arrived', () => {
    const items = buildLogItems([message(1, { senderId: ME, clientId: 'abc-12345' })], [{ clientId: 'abc-12345', body: 'x', state: 'sending', since }], ME);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ own: true, state: 'delivered' });
  });

  it('carries the call event of call messages', () => {
    const call = { callId: '20000000-0000-4000-8000-000000000001', media: 'video' as const, endReason: 'missed' as const, durationMs: 0 };
    const items = buildLogItems([message(1, { kind: 'call', body: '', call })], [], ME);
    expect(items[0]?.call).toEqual(call);
    expect(buildLogItems([message(2)], [], ME)[0]?.call).toBeUndefined();
  });
});
