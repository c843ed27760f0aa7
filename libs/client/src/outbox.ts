import { EmojiSchema, MessageBodySchema } from '@parley/protocol';
import type { ChatAckFrame, ChatActionFrame, ConversationEvent, ErrorFrame } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';
import { ParleyClientError } from './errors.ts';

export type SendState = 'sending' | 'sent' | 'failed';

/** What an outbox entry asks the server to do in its conversation. */
export type OutboxAction =
  | { type: 'send'; body: string; replyTo?: string }
  | { type: 'edit'; messageId: string; body: string }
  | { type: 'delete'; messageId: string }
  | { type: 'react'; messageId: string; emoji: string; action: 'add' | 'remove' };

/** A snapshot of one action; a new object is emitted on every change. */
export interface OutboxEntry {
  readonly clientId: string;
  readonly conversationId: string;
  readonly action: OutboxAction;
  readonly state: SendState;
  /** How many times the frame went on the wire. */
  readonly attempts: number;
  /** Last error: on 'failed' why it failed; on 'sending' why it is being retried. */
  readonly error?: ParleyClientError;
  /**
   * The committed event, once acked (for a send: its `message_created`). Absent on an acked
   * action that was already in effect, such as a reaction you already had.
   */
  readonly event?: ConversationEvent;
}

export interface OutboxDeps {
  clock: Clock;
  isReady(): boolean;
  transmit(frame: ChatActionFrame): void;
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
  action: OutboxAction;
  state: SendState;
  attempts: number;
  error?: ParleyClientError;
  event?: ConversationEvent;
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

  add(conversationId: string, action: OutboxAction): OutboxEntry {
    validate(action);
    const slot: Slot = {
      clientId: this.deps.newClientId(),
      conversationId,
      action,
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
    if (frame.event) slot.event = frame.event;
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
    this.deps.transmit(frameOf(slot));
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

/** Refuses what the server would refuse at its edge, before anything is queued. */
function validate(action: OutboxAction): void {
  if (action.type === 'send' || action.type === 'edit') {
    const parsed = MessageBodySchema.safeParse(action.body);
    if (!parsed.success) throw new ParleyClientError('invalid_input', parsed.error.issues[0]?.message ?? 'Invalid message body');
  }
  if (action.type === 'react' && !EmojiSchema.safeParse(action.emoji).success) {
    throw new ParleyClientError('invalid_input', 'A reaction is one emoji');
  }
}

function frameOf(slot: Slot): ChatActionFrame {
  const { clientId, conversationId, action } = slot;
  switch (action.type) {
    case 'send':
      return { type: 'chat_send', clientId, conversationId, body: action.body, ...(action.replyTo ? { replyTo: action.replyTo } : {}) };
    case 'edit':
      return { type: 'chat_edit', clientId, conversationId, messageId: action.messageId, body: action.body };
    case 'delete':
      return { type: 'chat_delete', clientId, conversationId, messageId: action.messageId };
    case 'react':
      return { type: 'chat_react', clientId, conversationId, messageId: action.messageId, emoji: action.emoji, action: action.action };
  }
}

function snapshot(slot: Slot): OutboxEntry {
  return {
    clientId: slot.clientId,
    conversationId: slot.conversationId,
    action: slot.action,
    state: slot.state,
    attempts: slot.attempts,
    ...(slot.error ? { error: slot.error } : {}),
    ...(slot.event ? { event: slot.event } : {}),
  };
}
