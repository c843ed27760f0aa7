/**
 * Decides how long to wait before reconnect attempt `attempt` (0 for the first retry after a
 * drop; reset to 0 once a connection reaches hello_ok). Return null to give up.
 */
export interface ReconnectPolicy {
  nextDelayMs(attempt: number): number | null;
}

export const RECONNECT_BASE_DELAY_MS = 250;
export const RECONNECT_MAX_DELAY_MS = 10_000;

export interface BackoffOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this many attempts; unlimited when omitted. */
  maxAttempts?: number;
  /** Uniform in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (delay uniform in [0, min(cap, base * 2^attempt)]):
 * after a server restart thousands of clients spread out instead of reconnecting in lockstep.
 */
export function exponentialBackoff(options: BackoffOptions = {}): ReconnectPolicy {
  const base = options.baseDelayMs ?? RECONNECT_BASE_DELAY_MS;
  const cap = options.maxDelayMs ?? RECONNECT_MAX_DELAY_MS;
  const random = options.random ?? Math.random;
  return {
    nextDelayMs(attempt) {
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) return null;
      // Clamp the exponent so 2^attempt never overflows into Infinity on long outages.
      const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
      return Math.floor(random() * ceiling);
    },
  };
}
