export interface TokenBucketOptions {
  /** Largest burst: the bucket starts full and never holds more. */
  capacity: number;
  /** Sustained rate, in tokens per second. */
  refillPerSecond: number;
  /** Millisecond clock; injectable so tests control time. */
  now?: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export interface TokenBucket {
  take(n?: number): TakeResult;
}

/** Absorbs float error so waiting exactly `retryAfterMs` always lets the next take through. */
const EPSILON_TOKENS = 1e-9;

/**
 * Classic token bucket, refilled lazily on each `take` (no timer). A refused take consumes
 * nothing, so a client that keeps hammering gets no further behind than one that waits.
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { capacity, refillPerSecond, now = Date.now } = options;
  if (!(capacity > 0) || !Number.isFinite(capacity)) throw new RangeError('capacity must be a positive number');
  if (!(refillPerSecond > 0) || !Number.isFinite(refillPerSecond)) {
    throw new RangeError('refillPerSecond must be a positive number');
  }
  let tokens = capacity;
  let last = now();

  return {
    take(n = 1) {
      if (!(n > 0) || n > capacity) throw new RangeError(`take(${n}) must be in (0, ${capacity}]`);
      const t = now();
      // A clock that steps backwards (NTP) must not drain the bucket.
      const elapsedMs = Math.max(0, t - last);
      last = t;
      tokens = Math.min(capacity, tokens + (elapsedMs * refillPerSecond) / 1000);
      if (tokens + EPSILON_TOKENS >= n) {
        tokens = Math.max(0, tokens - n);
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil(((n - tokens) * 1000) / refillPerSecond) };
    },
  };
}
