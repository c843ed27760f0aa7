import { describe, expect, it } from 'vitest';
import { exponentialBackoff, RECONNECT_BASE_DELAY_MS, RECONNECT_MAX_DELAY_MS } from './reconnect-policy.ts';

describe('exponentialBackoff', () => {
  it('doubles the ceiling per attempt up to the cap (random = 1 - epsilon)', () => {
    const policy = exponentialBackoff({ random: () => 0.999999 });
    const delays = [0, 1, 2, 3, 10, 50, 5000].map((a) => policy.nextDelayMs(a));
    expect(delays.slice(0, 4)).toEqual([249, 499, 999, 1999]);
    expect(delays[4]).toBe(RECONNECT_MAX_DELAY_MS - 1);
    expect(delays[6]).toBe(RECONNECT_MAX_DELAY_MS - 1);
    expect(RECONNECT_BASE_DELAY_MS).toBe(250);
  });

  it('uses full jitter: random = 0 retries at once', () => {
    expect(exponentialBackoff({ random: () => 0 }).nextDelayMs(7)).toBe(0);
  });

  it('never gives up by default and gives up after maxAttempts when asked', () => {
    expect(exponentialBackoff().nextDelayMs(1_000_000)).not.toBeNull();
    const limited = exponentialBackoff({ maxAttempts: 2 });
    expect(limited.nextDelayMs(1)).not.toBeNull();
    expect(limited.nextDelayMs(2)).toBeNull();
  });
});
