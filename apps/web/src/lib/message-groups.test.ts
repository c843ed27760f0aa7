import { describe, expect, it } from 'vitest';
import { GROUP_GAP_MS, groupMessages } from './message-groups.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();
const item = (key: string, senderId: string, minutes: number) => ({ key, senderId, createdAt: at(minutes) });

describe('groupMessages', () => {
  it('groups consecutive messages of one sender', () => {
    const groups = groupMessages([item('a', 'u1', 0), item('b', 'u1', 1), item('c', 'u2', 2), item('d', 'u1', 3)]);
    expect(groups.map((g) => g.items.map((i) => i.key))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(groups[0]?.startedAt).toBe(at(0));
  });

  it('starts a new group after a long pause from the same sender', () => {
    const gapMinutes = GROUP_GAP_MS / 60_000 + 1;
    const groups = groupMessages([item('a', 'u1', 0), item('b', 'u1', gapMinutes)]);
    expect(groups).toHaveLength(2);
  });

  it('returns no groups for no messages', () => {
    expect(groupMessages([])).toEqual([]);
  });
});
