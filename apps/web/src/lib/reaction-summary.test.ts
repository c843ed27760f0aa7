import { describe, expect, it } from 'vitest';
import { ANA, BO, ME } from '../testing/fixtures.ts';
import { listNames, reactionPills } from './reaction-summary.ts';

const nameOf = (id: string) => ({ [ANA]: 'Ana Lima', [BO]: 'Bo Chen' })[id] ?? 'Former member';

describe('reactionPills', () => {
  it('counts, highlights mine and names who reacted, me first', () => {
    const pills = reactionPills(
      [
        { emoji: '👍', userIds: [ANA, ME, BO] },
        { emoji: '🎉', userIds: [BO] },
      ],
      ME,
      nameOf,
    );
    expect(pills).toEqual([
      { emoji: '👍', count: 3, mine: true, who: 'You, Ana Lima and Bo Chen' },
      { emoji: '🎉', count: 1, mine: false, who: 'Bo Chen' },
    ]);
  });
});

describe('listNames', () => {
  it('joins names the way people write them, and shortens long lists', () => {
    expect(listNames(['You'])).toBe('You');
    expect(listNames(['You', 'Ana'])).toBe('You and Ana');
    const many = Array.from({ length: 12 }, (_, i) => `P${i}`);
    expect(listNames(many)).toBe('P0, P1, P2, P3, P4, P5, P6 and 5 others');
  });
});
