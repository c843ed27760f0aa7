import { describe, expect, it } from 'vitest';
import { anchoredScrollTop, isAtBottom, shouldLoadOlder } from './scroll-anchor.ts';

describe('scroll anchoring', () => {
  it('keeps the visible content in place when older messages are prepended', () => {
    // 800 px of new content above: the reader at 120 px must now be at 920 px.
    expect(anchoredScrollTop({ scrollTop: 120, scrollHeight: 2000 }, 2800)).toBe(920);
  });

  it('never returns a negative offset', () => {
    expect(anchoredScrollTop({ scrollTop: 0, scrollHeight: 2000 }, 1500)).toBe(0);
  });

  it('counts a view within the tolerance as at the bottom', () => {
    expect(isAtBottom({ scrollTop: 1180, scrollHeight: 2000, clientHeight: 800 })).toBe(true);
    expect(isAtBottom({ scrollTop: 900, scrollHeight: 2000, clientHeight: 800 })).toBe(false);
  });

  it('asks for older messages near the top only', () => {
    expect(shouldLoadOlder({ scrollTop: 10, scrollHeight: 2000, clientHeight: 800 })).toBe(true);
    expect(shouldLoadOlder({ scrollTop: 1000, scrollHeight: 2000, clientHeight: 800 })).toBe(false);
  });
});
