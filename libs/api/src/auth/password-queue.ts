import { AppError } from '@parley/protocol';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.ts';

export interface PasswordWork {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends a verify's work on an unknown handle (no enumeration by timing). */
  burn(password: string): Promise<void>;
}

export interface PasswordQueueOptions {
  /** Hashes running at once: each takes a core for ~30 ms and 19 MiB. */
  concurrency: number;
  /** Hashes waiting; past it a sign-in or sign-up is refused with `overloaded`. */
  maxWaiting: number;
  /**
   * The share of each slot's time spent hashing (0 < share ≤ 1; default 1): after a hash that
   * took d ms, the slot rests d × (1/share − 1) ms before the next one starts. The caller gets
   * its answer at once; only the next hash waits. A budget, not just a bound: with 0.5, a flood
   * of sign-ins takes at most half of `concurrency` cores, whatever the hardware.
   */
  share?: number;
  /** For tests: the clock and the timer the rest uses. */
  clock?: { now(): number; after(ms: number, run: () => void): void };
}

const REAL_CLOCK = { now: () => performance.now(), after: (ms: number, run: () => void) => void setTimeout(run, ms) };

/** What `overloaded` asks a client to wait. */
const RETRY_AFTER_MS = 1000;

/**
 * argon2 work through a bounded queue: a flood of sign-ins (each a 19 MiB, CPU-bound hash)
 * waits its turn on a few cores instead of taking them all, so chat keeps its share, and one
 * that finds the queue full is refused at once rather than piling up memory.
 */
export function createPasswordQueue(options: PasswordQueueOptions): PasswordWork {
  let running = 0;
  const waiting: Array<() => void> = [];

  const share = options.share ?? 1;
  if (!(share > 0 && share <= 1)) throw new Error(`password hashing share must be in (0, 1], got ${share}`);
  const clock = options.clock ?? REAL_CLOCK;

  /** Hands the slot straight to the next waiter, if any. */
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }

  async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running >= options.concurrency) {
      if (waiting.length >= options.maxWaiting) {
        throw new AppError('overloaded', 'Too many sign-ins at once, retry in a moment', { retryAfterMs: RETRY_AFTER_MS });
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running += 1;
    }
    const started = clock.now();
    try {
      return await work();
    } finally {
      const rest = (clock.now() - started) * (1 / share - 1);
      if (rest > 0) clock.after(rest, release);
      else release();
    }
  }

  return {
    hash: (password) => run(() => hashPassword(password)),
    verify: (hash, password) => run(() => verifyPassword(hash, password)),
    burn: (password) => run(() => burnPasswordCheck(password)),
  };
}
