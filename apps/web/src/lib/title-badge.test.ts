import { describe, expect, it } from 'vitest';
import { badgedIconUrl, titleWithCount, totalUnread } from './title-badge.ts';

describe('title badge', () => {
  it('sums every conversation’s unread count, muted ones included', () => {
    expect(totalUnread(undefined)).toBe(0);
    expect(totalUnread([{ unreadCount: 2 }, { unreadCount: 0 }, { unreadCount: 3 }])).toBe(5);
  });

  it('puts the count before the title, capped at 99+', () => {
    expect(titleWithCount(0)).toBe('Parley');
    expect(titleWithCount(2)).toBe('(2) Parley');
    expect(titleWithCount(100)).toBe('(99+) Parley');
  });

  it('draws a badge on the icon only when something is unread', () => {
    expect(badgedIconUrl(0)).toBeNull();
    const url = badgedIconUrl(3)!;
    expect(url.startsWith('data:image/svg+xml,')).toBe(true);
    const svg = decodeURIComponent(url.slice('data:image/svg+xml,'.length));
    expect(svg).toContain('>3</text>');
    expect(decodeURIComponent(badgedIconUrl(42)!)).toContain('>9+</text>');
  });
});
