import { MessageBodySchema } from '@parley/protocol';
import type { ChatAckFrame, ChatSendFrame, ErrorFrame, Message } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';
import { ParleyClientError } from './errors.ts';

export type SendState = 'sending' | 'sent' | 'failed';

/** A snapshot of one send; a new object is emitted on every change. */
export interface OutboxEntry {
  readonly clientId: string;
  readonly conversationId: string;
  readonly body: string;
  readonly state: SendState;
  /** How many times the frame went on the wire. */
  readonly attempts: number;
  /** Last error: on 'failed' why it failed; on 'sending' why it is being retried. */
  readonly error?: ParleyClientError;
  /** The committed message, once acked. */
  readonly message?: Message;
}

export interface OutboxDeps {
  clock: Clock;
  isReady(): boolean;
  transmit(frame: ChatSendFrame): void;
  changed(entry: OutboxEntry): void;
  newClientId(): string;
  ackTimeoutMs: number;
  /** Errored attempts (retryable error or ack timeout) allowed before an entry fails. */
  maxSendAttempts: number;
  /** Delay before retry number `failures` (1-based) of a retryable error. */
  retryDelayMs(failures: number): number;
}

interface Slot {
  clientId: string;
  conversationId: string;
  body: string;
  state: SendState;
  attempts: number;
  error?: ParleyClientError;
  message?: Message;
  failures: number;
  timeouts: number;
  inFlight: boolean;
  timer?: { kind: 'ack' | 'retry'; handle: TimerHandle };
}

/**
 * Sends that are not yet acknowledged. The same clientId is used on every attempt, so a resend
 * after a lost ack is idempotent on the server. A resend caused by a reconnect does not count
 * against maxSendAttempts: the server never answered, so nothing failed.
 */
export class Outbox {
  /** Map iteration order is insertion order, which keeps sends in the order they were made. */
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly deps: OutboxDeps) {}

  add(conversationId: string, body: string): OutboxEntry {
    const parsed = MessageBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new ParleyClientError('invalid_input', parsed.error.issues[0]?.message ?? 'Invalid message body');
    }
    const slot: Slot = {
      clientId: this.deps.newClientId(),
      conversationId,
      body,
      state: 'sending',
      attempts: 0,
      failures: 0,
      timeouts: 0,
      inFlight: false,
    };
    this.slots.set(slot.clientId, slot);
    if (this.deps.isReady()) this.transmit(slot);
    else this.deps.changed(snapshot(slot));
    return snapshot(slot);
  }

  /** After hello_ok: everything still sending goes out, in the order it was made. */
  ready(): void {
    for (const slot of this.slots.values()) {
      if (slot.state === 'sending' && !slot.inFlight && slot.timer?.kind !== 'retry') this.transmit(slot);
    }
  }

  /** The socket is gone: answers to in-flight frames will never come. Retry timers keep running. */
  disconnected(): void {
    for (const slot of this.slots.values()) {
      if (slot.timer?.kind === 'ack') this.clearTimer(slot);
      slot.inFlight = false;
    }
  }

  /** Returns the acked entry, or undefined when the ack is for a send this outbox no longer has. */
  handleAck(frame: ChatAckFrame): OutboxEntry | undefined {
    const slot = this.slots.get(frame.clientId);
    if (!slot) return undefined;
    this.clearTimer(slot);
    this.slots.delete(slot.clientId);
    slot.state = 'sent';
    slot.inFlight = false;
    slot.error = undefined;
    slot.message = frame.message;
    const entry = snapshot(slot);
    this.deps.changed(entry);
    return entry;
  }

  /** Returns true when the error answered one of our sends (its `ref` is a pending clientId). */
  handleError(frame: ErrorFrame): boolean {
    const slot = frame.ref === undefined ? undefined : this.slots.get(frame.ref);
    if (!slot) return false;
    if (slot.state !== 'sending') return true;
    this.clearTimer(slot);
    slot.inFlight = false;
    slot.failures += 1;
    slot.error = ParleyClientError.fromFrame(frame);
    if (!frame.retryable || slot.failures >= this.deps.maxSendAttempts) {
      slot.state = 'failed';
    } else {
      // The server's retryAfterMs is a floor: retrying sooner would only be rejected again.
      const delayMs = Math.max(frame.retryAfterMs ?? 0, this.deps.retryDelayMs(slot.failures));
      this.setTimer(slot, 'retry', delayMs, () => {
        if (this.deps.isReady()) this.transmit(slot);
      });
    }
    this.deps.changed(snapshot(slot));
    return true;
  }

  /** Puts a failed entry back to 'sending' with a fresh attempt budget. */
  retry(clientId: string): boolean {
    const slot = this.slots.get(clientId);
    if (!slot || slot.state !== 'failed') return false;
    slot.state = 'sending';
    slot.failures = 0;
    slot.timeouts = 0;
    slot.error = undefined;
    if (this.deps.isReady()) this.transmit(slot);
    else this.deps.changed(snapshot(slot));
    return true;
  }

  /** Forgets an entry that is not in flight (typically a failed one the user dismissed). */
  discard(clientId: string): boolean {
    const slot = this.slots.get(clientId);
    if (!slot || slot.inFlight) return false;
    this.clearTimer(slot);
    this.slots.delete(clientId);
    return true;
  }

  list(conversationId?: string): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const slot of this.slots.values()) {
      if (conversationId === undefined || slot.conversationId === conversationId) out.push(snapshot(slot));
    }
    return out;
  }

  dispose(): void {
    for (const slot of this.slots.values()) this.clearTimer(slot);
  }

  private transmit(slot: Slot): void {
    this.clearTimer(slot);
    slot.attempts += 1;
    slot.inFlight = true;
    this.deps.transmit({
      type: 'chat_send',
      clientId: slot.clientId,
      conversationId: slot.conversationId,
      body: slot.body,
    });
    this.setTimer(slot, 'ack', this.deps.ackTimeoutMs, () => this.ackTimedOut(slot));
    this.deps.changed(snapshot(slot));
  }

  private ackTimedOut(slot: Slot): void {
    slot.inFlight = false;
    slot.timeouts += 1;
    slot.failures += 1;
    slot.error = new ParleyClientError('ack_timeout', `No ack within ${this.deps.ackTimeoutMs} ms`, {
      retryable: true,
    });
    // One resend covers a lost frame; a second silence means something is wrong server side.
    if (slot.timeouts >= 2 || slot.failures >= this.deps.maxSendAttempts) {
      slot.state = 'failed';
      this.deps.changed(snapshot(slot));
      return;
    }
    this.transmit(slot);
  }

  private setTimer(slot: Slot, kind: 'ack' | 'retry', delayMs: number, fire: () => void): void {
    const handle = this.deps.clock.setTimeout(() => {
      slot.timer = undefined;
      fire();
    }, delayMs);
    slot.timer = { kind, handle };
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer) this.deps.clock.clearTimeout(slot.timer.handle);
    slot.timer = undefined;
  }
}

function snapshot(slot: Slot): OutboxEntry {
  return {
    clientId: slot.clientId,
    conversationId: slot.conversationId,
    body: slot.body,
    state: slot.state,
    attempts: slot.attempts,
    ...(slot.error ? { error: slot.error } : {}),
    ...(slot.message ? { message: slot.message } : {}),
  };
}
