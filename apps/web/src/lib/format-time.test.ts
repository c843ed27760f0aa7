import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from './format-time.ts';

const now = new Date(2026, 4, 20, 15, 0, 0); // local time, a Wednesday
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('formatRelativeTime', () => {
  it('uses now, minutes and hours for today', () => {
    expect(formatRelativeTime(ago(20_000), now)).toBe('now');
    expect(formatRelativeTime(ago(5 * 60_000), now)).toBe('5 min');
    expect(formatRelativeTime(ago(3 * 3_600_000), now)).toBe('3 h');
  });

  it('says Yesterday for the previous calendar day', () => {
    expect(formatRelativeTime(new Date(2026, 4, 19, 23, 30).toISOString(), now)).toBe('Yesterday');
  });

  it('uses a date for older messages, and nothing for garbage', () => {
    expect(formatRelativeTime(new Date(2026, 0, 3, 9, 0).toISOString(), now, 'en-US')).toBe('Jan 3');
    expect(formatRelativeTime('not a date', now)).toBe('');
  });
});
