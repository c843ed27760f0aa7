import { describe, expect, it } from 'vitest';
import { createTypingThrottle } from './typing-throttle.ts';

function setup() {
  let clock = 0;
  const throttle = createTypingThrottle({ minIntervalMs: 1_000, ttlMs: 6_000, now: () => clock });
  return { throttle, at: (ms: number) => (clock = ms) };
}

describe('typing throttle', () => {
  it('forwards a true at most once per interval per conversation', () => {
    const { throttle, at } = setup();
    expect(throttle.accept('c1', true)).toBe(true);
    at(500);
    expect(throttle.accept('c1', true)).toBe(false);
    expect(throttle.accept('c2', true)).toBe(true); // other conversation, own interval
    at(1_000);
    expect(throttle.accept('c1', true)).toBe(true);
    expect(throttle.activeConversations().sort()).toEqual(['c1', 'c2']);
  });

  it('passes true -> false once, drops repeated false, and keeps throttling a quick re-start', () => {
    const { throttle, at } = setup();
    expect(throttle.accept('c1', false)).toBe(false); // never typing
    expect(throttle.accept('c1', true)).toBe(true);
    at(100);
    expect(throttle.accept('c1', false)).toBe(true);
    expect(throttle.accept('c1', false)).toBe(false);
    expect(throttle.activeConversations()).toEqual([]);
    at(200);
    expect(throttle.accept('c1', true)).toBe(false); // toggling fast: at most 2 frames per interval
    at(1_100);
    expect(throttle.accept('c1', true)).toBe(true);
  });

  it('lets an indicator lapse after its TTL, like the receivers do', () => {
    const { throttle, at } = setup();
    throttle.accept('c1', true);
    at(5_999);
    expect(throttle.activeConversations()).toEqual(['c1']);
    at(6_000);
    expect(throttle.activeConversations()).toEqual([]);
    expect(throttle.accept('c1', false)).toBe(false); // receivers already dropped it
  });

  it('clear forgets a conversation (message sent) and reports whether it was showing', () => {
    const { throttle, at } = setup();
    throttle.accept('c1', true);
    at(10);
    expect(throttle.clear('c1')).toBe(true);
    expect(throttle.clear('c1')).toBe(false);
    expect(throttle.activeConversations()).toEqual([]);
    expect(throttle.accept('c1', true)).toBe(true); // typing the next message shows at once
  });
});
