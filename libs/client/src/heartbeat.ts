import type { Clock, TimerHandle } from './clock.ts';

/**
 * How long a `ping` may go unanswered before the socket is declared dead. A live gateway
 * answers at once, so this is a round trip plus slack for a slow mobile link; a false alarm
 * costs one reconnect and a resume, while a dead socket that goes unnoticed costs the user
 * messages that look sent and are not.
 */
export const LIVENESS_TIMEOUT_MS = 3_000;

/**
 * While a large answer may be on its way (a sync page can be megabytes, and a browser only
 * sees a frame once all of it has arrived), an unanswered ping is given this many heartbeat
 * intervals instead: the pong is queued behind that frame.
 */
export const DEAD_AFTER_INTERVALS = 2;

export interface HeartbeatDeps {
  clock: Clock;
  /** Sends a ping frame; false when there is no open socket. */
  ping(nonce: string): boolean;
  onDead(): void;
  /** True while a large frame may legitimately delay the pong (a chat_sync in flight). */
  expectingBulk(): boolean;
}

/**
 * Liveness of one socket. Before hello_ok, `watch` bounds the handshake by silence. After it,
 * `start` pings every interval and each ping must be answered by a pong within `timeoutMs`;
 * `probe` pings at once when something suggests the socket died silently (the network
 * changed, an action got no ack). So a dead socket is noticed within `intervalMs + timeoutMs`
 * with no hint at all, and within `timeoutMs` of a hint.
 */
export class Heartbeat {
  private nonce = 0;
  private intervalMs = 0;
  private timeoutMs = 0;
  private outstanding?: { nonce: number; sentAt: number; timer: TimerHandle };
  private pingTimer?: TimerHandle;
  private watchdogTimer?: TimerHandle;
  private lastFrameAt = 0;

  constructor(private readonly deps: HeartbeatDeps) {}

  /** Any inbound frame (it feeds the handshake watchdog). */
  touch(): void {
    this.lastFrameAt = this.deps.clock.now();
  }

  /** Until hello_ok: give up when nothing arrived for `limitMs`. */
  watch(limitMs: number): void {
    this.clearWatchdog();
    const check = (): void => {
      const silentMs = this.deps.clock.now() - this.lastFrameAt;
      if (silentMs < limitMs) {
        this.watchdogTimer = this.deps.clock.setTimeout(check, limitMs - silentMs);
        return;
      }
      this.watchdogTimer = undefined;
      this.deps.onDead();
    };
    this.watchdogTimer = this.deps.clock.setTimeout(check, limitMs);
  }

  /** After hello_ok: ping every `intervalMs`, each answered within `timeoutMs`. */
  start(intervalMs: number, timeoutMs: number): void {
    this.stop();
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    this.schedulePing();
  }

  /** Pings now unless a ping is already waiting for its pong. Returns whether one is outstanding. */
  probe(): boolean {
    if (this.intervalMs === 0) return false;
    if (this.outstanding) return true;
    this.nonce += 1;
    const nonce = this.nonce;
    if (!this.deps.ping(String(nonce))) return false;
    const sentAt = this.deps.clock.now();
    this.outstanding = { nonce, sentAt, timer: this.deps.clock.setTimeout(() => this.deadline(), this.timeoutMs) };
    return true;
  }

  /** A pong answers its ping and every ping before it (the server answers in order). */
  pong(nonce: string | undefined): boolean {
    const outstanding = this.outstanding;
    if (!outstanding || (nonce !== undefined && Number(nonce) < outstanding.nonce)) return false;
    this.deps.clock.clearTimeout(outstanding.timer);
    this.outstanding = undefined;
    return true;
  }

  stop(): void {
    this.clearWatchdog();
    if (this.pingTimer !== undefined) this.deps.clock.clearTimeout(this.pingTimer);
    if (this.outstanding) this.deps.clock.clearTimeout(this.outstanding.timer);
    this.pingTimer = undefined;
    this.outstanding = undefined;
    this.intervalMs = 0;
  }

  private schedulePing(): void {
    this.pingTimer = this.deps.clock.setTimeout(() => {
      this.probe();
      this.schedulePing();
    }, this.intervalMs);
  }

  private deadline(): void {
    const outstanding = this.outstanding;
    if (!outstanding) return;
    const patientUntil = outstanding.sentAt + this.intervalMs * DEAD_AFTER_INTERVALS;
    const now = this.deps.clock.now();
    if (this.deps.expectingBulk() && now < patientUntil) {
      outstanding.timer = this.deps.clock.setTimeout(() => this.deadline(), Math.min(this.timeoutMs, patientUntil - now));
      return;
    }
    this.outstanding = undefined;
    this.deps.onDead();
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer !== undefined) this.deps.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }
}
