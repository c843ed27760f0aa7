import { describe, expect, it } from 'vitest';
import { encodeFrame, type PresenceBatchFrame } from '@parley/protocol';
import { presenceOf, watchedPart } from './presence-watch.ts';

const user = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const status = (n: number) => ({ userId: user(n), status: 'online' as const, lastSeenAt: null });
const batch: PresenceBatchFrame = { type: 'presence_batch', users: [status(1), status(2), status(3)] };

describe('presence watch', () => {
  it('finds presence in an encoded payload and nothing else', () => {
    expect(presenceOf(encodeFrame(batch))).toEqual(batch);
    expect(presenceOf(encodeFrame({ type: 'presence', ...status(1) }))).toEqual({ type: 'presence', ...status(1) });
    expect(presenceOf(encodeFrame({ type: 'presence_snapshot', users: [] }))).toBeUndefined();
    expect(presenceOf(encodeFrame({ type: 'pong' }))).toBeUndefined();
  });

  it('cuts a batch to the watched users: whole, smaller, a single presence, or nothing', () => {
    expect(watchedPart(batch, new Set([user(1), user(2), user(3)]))).toBe(batch);
    expect(watchedPart(batch, new Set([user(1), user(3)]))).toEqual({ type: 'presence_batch', users: [status(1), status(3)] });
    // A presence_batch carries at least two users: one is sent as presence.
    expect(watchedPart(batch, new Set([user(2), user(9)]))).toEqual({ type: 'presence', ...status(2) });
    expect(watchedPart(batch, new Set([user(9)]))).toBeUndefined();
    expect(watchedPart({ type: 'presence', ...status(1) }, new Set())).toBeUndefined();
  });
});
