import { describe, expect, it } from 'vitest';
import { joinNames, lastSeenAgo, presenceLabel, typingText } from './presence-text.ts';

const NOW = new Date(2026, 2, 10, 15, 0, 0);
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const user = 'u1';

describe('presenceLabel', () => {
  it('says online and away in words, with a tone for the dot', () => {
    expect(presenceLabel({ userId: user, status: 'online', lastSeenAt: null }, NOW)).toEqual({ tone: 'online', text: 'online' });
    expect(presenceLabel({ userId: user, status: 'away', lastSeenAt: null }, NOW)).toEqual({ tone: 'away', text: 'away' });
  });

  it('says when an offline user was last seen, or just offline without a time', () => {
    expect(presenceLabel({ userId: user, status: 'offline', lastSeenAt: minutesAgo(12) }, NOW)?.text).toBe('last seen 12 min ago');
    expect(presenceLabel({ userId: user, status: 'offline', lastSeenAt: null }, NOW)).toEqual({ tone: 'offline', text: 'offline' });
    // First render (no clock yet) must not invent a time.
    expect(presenceLabel({ userId: user, status: 'offline', lastSeenAt: minutesAgo(12) }, null)?.text).toBe('offline');
  });

  it('claims nothing for a user whose status is unknown', () => {
    expect(presenceLabel(undefined, NOW)).toBeNull();
  });
});

describe('lastSeenAgo', () => {
  it('moves from seconds to minutes, hours, yesterday and a date', () => {
    expect(lastSeenAgo(minutesAgo(0.5), NOW)).toBe('just now');
    expect(lastSeenAgo(minutesAgo(59), NOW)).toBe('59 min ago');
    expect(lastSeenAgo(minutesAgo(180), NOW)).toBe('3 h ago');
    expect(lastSeenAgo(new Date(2026, 2, 9, 23, 0).toISOString(), NOW)).toBe('yesterday');
    expect(lastSeenAgo(new Date(2026, 1, 1, 9, 0).toISOString(), NOW, 'en-US')).toBe('Feb 1');
    expect(lastSeenAgo('not a date', NOW)).toBeNull();
  });
});

describe('typingText', () => {
  it('names one or two typists and summarises three or more', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Alice Liddell'])).toBe('Alice Liddell is typing…');
    expect(typingText(['Alice', 'Bob'])).toBe('Alice and Bob are typing…');
    expect(typingText(['Alice', 'Bob', 'Carol'])).toBe('Several people are typing…');
  });
});

describe('joinNames', () => {
  it('joins names as a sentence', () => {
    expect(joinNames(['Ana'])).toBe('Ana');
    expect(joinNames(['Ana', 'Bo'])).toBe('Ana and Bo');
    expect(joinNames(['Ana', 'Bo', 'Cy'])).toBe('Ana, Bo and Cy');
  });
});
