import type { UserPresence } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { presenceDeliveries } from './presence-batches.ts';

const online = (userId: string): UserPresence => ({ userId, status: 'online', lastSeenAt: null });
const offline = (userId: string): UserPresence => ({ userId, status: 'offline', lastSeenAt: '2026-12-01T00:00:00.000Z' });

describe('presenceDeliveries', () => {
  it('sends each recipient one frame with the changes of its contacts only, in order', () => {
    const contacts = new Map([
      ['a', ['b', 'c']],
      ['b', ['a']],
      ['d', ['c']],
    ]);
    const deliveries = presenceDeliveries([online('a'), online('b'), online('d')], contacts);
    const of = (recipient: string) => deliveries.filter((d) => d.recipients.includes(recipient)).map((d) => d.users.map((u) => u.userId));
    expect(of('b')).toEqual([['a']]);
    expect(of('a')).toEqual([['b']]);
    expect(of('c')).toEqual([['a', 'd']]);
    // Nobody hears about someone who is not their contact.
    expect(of('d')).toEqual([]);
  });

  it('keeps only the latest status of a user who changed twice, at the place of that change', () => {
    const contacts = new Map([
      ['a', ['z']],
      ['b', ['z']],
    ]);
    const [delivery] = presenceDeliveries([online('a'), online('b'), offline('a')], contacts);
    expect(delivery?.users).toEqual([online('b'), offline('a')]);
  });

  it('shares one frame among recipients who may see the same changes: a room of 1,000 costs ~1,000 frames, not 1,000,000', () => {
    const people = Array.from({ length: 1000 }, (_, i) => `u${i}`);
    const contacts = new Map(people.map((p) => [p, people.filter((q) => q !== p)]));
    const burst = people.slice(0, 100).map(online);
    const deliveries = presenceDeliveries(burst, contacts);
    const frames = deliveries.reduce((sum, d) => sum + d.recipients.length, 0);
    expect(frames).toBe(1000); // one per recipient
    // The 900 who did not change share one list (all 100); each of the 100 sees the 99 others.
    expect(deliveries).toHaveLength(101);
    const shared = deliveries.find((d) => d.recipients.length === 900);
    expect(shared?.users).toHaveLength(100);
  });
});
