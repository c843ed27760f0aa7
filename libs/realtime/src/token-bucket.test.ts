import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './token-bucket.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createTokenBucket', () => {
  it('allows a full burst, then refuses with the time until the next token', () => {
    const c = clock();
    const bucket = createTokenBucket({ capacity: 30, refillPerSecond: 10, now: c.now });
    for (let i = 0; i < 30; i += 1) expect(bucket.take()).toEqual({ ok: true });
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 100 });
  });

  it('refills at the configured rate, capped at capacity', () => {
    const c = clock();
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 10, now: c.now });
    expect(bucket.take(3)).toEqual({ ok: true });
    c.advance(40); // 0.4 token
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 60 });
    c.advance(60);
    expect(bucket.take()).toEqual({ ok: true });
    c.advance(60_000); // long idle: back to capacity, not 600 tokens
    expect(bucket.take(3)).toEqual({ ok: true });
    expect(bucket.take()).toMatchObject({ ok: false });
  });

  it('waiting exactly retryAfterMs is enough, even with a rate that does not divide 1000', () => {
    const c = clock();
    const bucket = createTokenBucket({ capacity: 2, refillPerSecond: 3, now: c.now });
    bucket.take(2);
    for (let i = 0; i < 20; i += 1) {
      const refused = bucket.take();
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      c.advance(refused.retryAfterMs);
      expect(bucket.take()).toEqual({ ok: true });
    }
  });

  it('a refused take costs nothing and a clock stepping back does not drain the bucket', () => {
    const c = clock();
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 1, now: c.now });
    bucket.take();
    for (let i = 0; i < 5; i += 1) expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 1000 });
    c.advance(-5_000);
    expect(bucket.take()).toMatchObject({ ok: false });
    c.advance(1_000);
    expect(bucket.take()).toEqual({ ok: true });
  });

  it('rejects impossible requests and settings as programmer errors', () => {
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => createTokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
    const bucket = createTokenBucket({ capacity: 5, refillPerSecond: 1 });
    expect(() => bucket.take(6)).toThrow(RangeError);
    expect(() => bucket.take(0)).toThrow(RangeError);
  });
});
