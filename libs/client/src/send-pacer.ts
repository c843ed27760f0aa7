import type { Clock } from './clock.ts';

/**
 * The server's admission limits for actions (chat_send, chat_edit, chat_delete, chat_react),
 * per socket (PROTOCOL.md §13): a bucket of 30 refilled at 10/s, and at most 64 waiting for
 * their commit. Over either the action is refused with `rate_limited`.
 */
export const SERVER_ACTION_BURST = 30;
export const SERVER_ACTIONS_PER_SECOND = 10;
export const SERVER_MAX_ACTIONS_IN_FLIGHT = 64;

export interface PacingOptions {
  /**
   * Actions the client lets out at once. Below the server's 30 on purpose: the server counts
   * arrival times, and frames delayed unevenly on the way (Wi-Fi, a busy proxy) can arrive
   * closer together than they were sent. Each token held back absorbs 100 ms of such jitter.
   */
  burst: number;
  /** Sustained rate, as the server's: the reserve above keeps arrivals under its bucket. */
  perSecond: number;
  /** Actions on the wire without an answer; the client's count is never below the server's. */
  maxInFlight: number;
}

export const DEFAULT_PACING: PacingOptions = {
  burst: SERVER_ACTION_BURST - 6,
  perSecond: SERVER_ACTIONS_PER_SECOND,
  maxInFlight: SERVER_MAX_ACTIONS_IN_FLIGHT,
};

/**
 * Client-side mirror of the server's action bucket, so that normal typing never meets
 * `rate_limited`. Refilled lazily from the clock (no timer); `nextAt` says when to try again.
 * One pacer per socket: the server's bucket is per socket and starts full on each one.
 */
/** Absorbs float error so waiting exactly until `nextAt` always lets the next take through. */
const EPSILON_TOKENS = 1e-9;

export class SendPacer {
  private tokens: number;
  private last: number;
  private inFlight = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: PacingOptions,
  ) {
    this.tokens = options.burst;
    this.last = clock.now();
  }

  /** A new socket: the server's bucket and in-flight count start afresh. */
  reset(): void {
    this.tokens = this.options.burst;
    this.last = this.clock.now();
    this.inFlight = 0;
  }

  /** Takes a token and an in-flight slot if both are free. */
  tryTake(): boolean {
    this.refill();
    if (this.inFlight >= this.options.maxInFlight || this.tokens + EPSILON_TOKENS < 1) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    this.inFlight += 1;
    return true;
  }

  /** An action in flight was answered (ack or error) or its socket is gone. */
  settled(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /**
   * The server refused for rate: our model is off (another limit, a changed server), so stop
   * sending until the bucket refills rather than earn a refusal per conversation.
   */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  /**
   * When the next `tryTake` can succeed on tokens; undefined when the limit is in-flight
   * actions, which free up on their answers, not with time.
   */
  nextAt(): number | undefined {
    this.refill();
    if (this.inFlight >= this.options.maxInFlight) return undefined;
    if (this.tokens + EPSILON_TOKENS >= 1) return this.clock.now();
    return this.clock.now() + Math.ceil(((1 - this.tokens) * 1000) / this.options.perSecond);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedMs = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsedMs * this.options.perSecond) / 1000);
  }
}
