import { describe, expect, it } from 'vitest';
import { formatWait, LocalCounter } from './throttle.ts';

describe('formatWait', () => {
  it('says a wait the way a person reads it, rounding up', () => {
    expect(formatWait(0)).toBe('1 second');
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(89)).toBe('89 seconds');
    expect(formatWait(90)).toBe('2 minutes');
    expect(formatWait(900)).toBe('15 minutes');
    expect(formatWait(61 * 60)).toBe('61 minutes');
    expect(formatWait(61 * 60 + 1)).toBe('62 minutes');
    expect(formatWait(90 * 60)).toBe('2 hours');
    expect(formatWait(3 * 3600 - 1)).toBe('3 hours');
  });
});

describe('LocalCounter (the fallback while Redis is down)', () => {
  const limit = { max: 2, windowMs: 1000 };

  it('allows max attempts per window, then doubles the wait with each further attempt', () => {
    const counter = new LocalCounter();
    expect(counter.hit('k', limit, 0)).toBeUndefined();
    expect(counter.hit('k', limit, 10)).toBeUndefined();
    expect(counter.hit('k', limit, 20)).toBe(1000);
    expect(counter.hit('k', limit, 30)).toBe(2000);
    expect(counter.hit('k', limit, 40)).toBe(4000);
    // Other keys are counted apart.
    expect(counter.hit('other', limit, 40)).toBeUndefined();
  });

  it('starts afresh once the (extended) window is over', () => {
    const counter = new LocalCounter();
    for (const t of [0, 1, 2]) counter.hit('k', limit, t);
    expect(counter.hit('k', limit, 900)).toBe(2000);
    expect(counter.hit('k', limit, 2900)).toBeUndefined();
  });
});
