import type { Clock, TimerHandle } from './clock.ts';

/** Silence of this many heartbeat intervals means the socket is dead even if TCP has not noticed. */
export const DEAD_AFTER_INTERVALS = 2;

/**
 * Liveness for one socket: `touch` on every inbound frame; `watch` fires `onDead` once nothing
 * arrived for `limitMs`; `startPings` sends a ping every interval so a healthy server always
 * has something to answer. One lazily re-armed timer, so busy sockets pay no per-frame timer reset.
 */
export class Heartbeat {
  private lastFrameAt = 0;
  private nonce = 0;
  private pingTimer?: TimerHandle;
  private watchdogTimer?: TimerHandle;

  constructor(
    private readonly clock: Clock,
    private readonly ping: (nonce: string) => void,
    private readonly onDead: () => void,
  ) {}

  touch(): void {
    this.lastFrameAt = this.clock.now();
  }

  watch(limitMs: number): void {
    this.clearWatchdog();
    const check = (): void => {
      const silentMs = this.clock.now() - this.lastFrameAt;
      if (silentMs < limitMs) {
        this.watchdogTimer = this.clock.setTimeout(check, limitMs - silentMs);
        return;
      }
      this.watchdogTimer = undefined;
      this.onDead();
    };
    this.watchdogTimer = this.clock.setTimeout(check, limitMs);
  }

  startPings(intervalMs: number): void {
    if (this.pingTimer !== undefined) this.clock.clearTimeout(this.pingTimer);
    this.pingTimer = this.clock.setTimeout(() => {
      this.nonce += 1;
      this.ping(String(this.nonce));
      this.startPings(intervalMs);
    }, intervalMs);
  }

  stop(): void {
    this.clearWatchdog();
    if (this.pingTimer !== undefined) this.clock.clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer !== undefined) this.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }
}
