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
}

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

  async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running >= options.concurrency) {
      if (waiting.length >= options.maxWaiting) {
        throw new AppError('overloaded', 'Too many sign-ins at once, retry in a moment', { retryAfterMs: RETRY_AFTER_MS });
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, if any.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }

  return {
    hash: (password) => run(() => hashPassword(password)),
    verify: (hash, password) => run(() => verifyPassword(hash, password)),
    burn: (password) => run(() => burnPasswordCheck(password)),
  };
}
