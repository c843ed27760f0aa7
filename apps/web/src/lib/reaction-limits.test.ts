import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_REACTIONS, MAX_REACTIONS_PER_USER } from '@parley/protocol';
import { ANA, ME } from '../testing/fixtures.ts';
import { reactionBlocked } from './reaction-limits.ts';

const emoji = (i: number) => String.fromCodePoint(0x1f600 + i);

describe('reactionBlocked', () => {
  it('allows a new emoji under the limits, and always taking one back', () => {
    expect(reactionBlocked({ reactions: [] }, '👍', ME)).toBeNull();
    const full = { reactions: Array.from({ length: MAX_DISTINCT_REACTIONS }, (_, i) => ({ emoji: emoji(i), userIds: [i === 0 ? ME : ANA] })) };
    expect(reactionBlocked(full, emoji(0), ME)).toBeNull();
  });

  it('blocks a new emoji on a message that has every distinct emoji it can hold, but not an existing one', () => {
    const full = { reactions: Array.from({ length: MAX_DISTINCT_REACTIONS }, (_, i) => ({ emoji: emoji(i), userIds: [ANA] })) };
    expect(reactionBlocked(full, '👍', ME)).toMatch(/different reactions/);
    expect(reactionBlocked(full, emoji(3), ME)).toBeNull();
  });

  it('blocks more of mine than the server keeps', () => {
    const mine = { reactions: Array.from({ length: MAX_REACTIONS_PER_USER }, (_, i) => ({ emoji: emoji(i), userIds: [ME] })) };
    expect(reactionBlocked(mine, '👍', ME)).toMatch(/your reactions/);
  });
});
