import type { ChatAckFrame, ChatActionFrame } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';
import { ParleyClientError } from './errors.ts';
import { frameOf, validateAction } from './outbox-action.ts';
import type { FailureReason, OutboxAction, OutboxEntry, WaitingReason } from './outbox-entry.ts';
import { verdictOf } from './outbox-errors.ts';
import type { OutboxRecord } from './outbox-record.ts';
import { recordOf, snapshot, type Slot } from './outbox-slot.ts';
import { SendPacer, type PacingOptions } from './send-pacer.ts';

/** The parts of an `error` frame the outbox needs; the code may be one this SDK does not know. */
export interface ActionError {
  ref: string;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  error: ParleyClientError;
}

/** Where the outbox reports what must survive a reload (see OutboxPersistence). */
export interface OutboxJournal {
  saved(record: OutboxRecord): void;
  removed(clientId: string): void;
}

export interface OutboxDeps {
  clock: Clock;
  /** Puts the frame on the socket; false when there is no open socket. */
  transmit(frame: ChatActionFrame): boolean;
  changed(entry: OutboxEntry): void;
  newClientId(): string;
  /** No answer this long on a live socket: resend with the same clientId (then 2x, 4x, 8x). */
  ackTimeoutMs: number;
  /** No answer this long: ask the connection to check it is alive (a short ping). */
  ackDoubtMs: number;
  /** Consecutive `internal` errors before an entry fails; other retryable errors never fail it. */
  maxInternalErrors: number;
  /** Backoff before retry number `retries` (1-based) after a retryable error. */
  retryDelayMs(retries: number): number;
  pacing: PacingOptions;
  /** An action got no answer for `ackDoubtMs`: the socket may have died silently. */
  doubt(): void;
  journal?: OutboxJournal;
}

/** Longest wait for an ack before a resend, however many timeouts came before. */
const MAX_ACK_TIMEOUT_FACTOR = 8;
/**
 * Acked or cancelled clientIds remembered, so that a store read that was already under way
 * cannot bring them back. Such a read finishes within seconds; this is far more than needed.
 */
const FORGOTTEN_KEPT = 1_000;

/**
 * Actions not yet acknowledged, and the rules that get each one committed exactly once and in
 * the order written:
 * - one action in flight per conversation: a later action of that conversation goes out only
 *   after the earlier one is acked (or failed for good), so a retried or rate-limited action is
 *   never overtaken. Other conversations are not held up.
 * - sends are paced under the server's action bucket (SendPacer), oldest first across
 *   conversations;
 * - the same clientId on every attempt, so a resend is idempotent on the server;
 * - retryable errors and silences are retried with backoff for as long as they last; only a
 *   refusal the server means for good (or `internal` over and over) fails an entry.
 */
export class Outbox {
  private readonly slots = new Map<string, Slot>();
  /** Acked or cancelled in this session: a slow store read must not bring them back. */
  private readonly forgotten = new Set<string>();
  private readonly pacer: SendPacer;
  private online = false;
  private waitingReason: WaitingReason = 'offline';
  /** False until persisted entries are restored: they are older and go first. */
  private restored: boolean;
  private lastOrder = 0;
  private wakeTimer?: { at: number; handle: TimerHandle };

  constructor(private readonly deps: OutboxDeps) {
    this.pacer = new SendPacer(deps.clock, deps.pacing);
    this.restored = deps.journal === undefined;
  }

  add(conversationId: string, action: OutboxAction): OutboxEntry {
    validateAction(action);
    const slot = this.newSlot({ clientId: this.deps.newClientId(), conversationId, action, createdAt: this.deps.clock.now(), order: this.nextOrder() });
    this.deps.journal?.saved(recordOf(slot));
    this.deps.changed(snapshot(slot));
    this.pump();
    return snapshot(slot);
  }

  /** Entries read back from the store (this tab's after a reload, or adopted from another). */
  restore(records: readonly OutboxRecord[]): void {
    for (const record of records) {
      if (this.slots.has(record.clientId) || this.forgotten.has(record.clientId)) continue;
      this.lastOrder = Math.max(this.lastOrder, record.order);
      const slot = this.newSlot(record);
      if (record.failure) {
        slot.state = 'failed';
        slot.reason = record.failure.reason;
      }
      this.deps.changed(snapshot(slot));
    }
    this.restored = true;
    this.pump();
  }

  /** After hello_ok: everything waiting goes out, oldest first, paced. */
  ready(): void {
    this.online = true;
    this.pacer.reset();
    for (const slot of this.slots.values()) {
      if (slot.state !== 'waiting') continue;
      slot.state = 'sending';
      slot.reason = undefined;
      this.deps.changed(snapshot(slot));
    }
    this.pump();
  }

  /**
   * The socket is gone: answers to in-flight frames will never come, and every unsent entry
   * waits for the next hello_ok. `reason` says what the wait is for.
   */
  disconnected(reason: WaitingReason = 'offline'): void {
    this.online = false;
    this.waitingReason = reason;
    this.clearWake();
    for (const slot of this.slots.values()) {
      if (slot.state === 'failed') continue;
      this.clearTimer(slot);
      // A new socket is another bucket: the old socket's refusals and backoffs do not apply.
      slot.inFlight = false;
      slot.retryAt = 0;
      if (slot.state === 'waiting' && slot.reason === reason) continue;
      slot.state = 'waiting';
      slot.reason = reason;
      this.deps.changed(snapshot(slot));
    }
  }

  /** Returns the acked entry, or undefined when the ack is for an action this outbox does not hold. */
  handleAck(frame: ChatAckFrame): OutboxEntry | undefined {
    const slot = this.slots.get(frame.clientId);
    if (!slot) return undefined;
    this.settle(slot);
    this.forget(slot);
    this.deps.journal?.removed(slot.clientId);
    const { reason: _reason, error: _error, ...rest } = snapshot(slot);
    const entry: OutboxEntry = { ...rest, state: 'sent', ...(frame.event ? { event: frame.event } : {}) };
    this.deps.changed(entry);
    this.pump();
    return entry;
  }

  /** Returns true when the error answered one of our actions (its `ref` is a pending clientId). */
  handleError(answer: ActionError): boolean {
    const slot = this.slots.get(answer.ref);
    if (!slot) return false;
    if (slot.state === 'failed') return true;
    this.settle(slot);
    slot.error = answer.error;
    const verdict = verdictOf(answer.code, answer.retryable);
    if (verdict.reason === 'server_error') slot.internalErrors += 1;
    if (!verdict.retry || slot.internalErrors >= this.deps.maxInternalErrors) {
      this.fail(slot, verdict.reason as FailureReason, answer.message);
    } else {
      if (verdict.reason === 'rate_limited') this.pacer.drain();
      slot.retries += 1;
      slot.reason = verdict.reason;
      // The server's retryAfterMs is a floor: retrying sooner would only be refused again.
      slot.retryAt = this.deps.clock.now() + Math.max(answer.retryAfterMs ?? 0, this.deps.retryDelayMs(slot.retries));
      this.deps.changed(snapshot(slot));
    }
    this.pump();
    return true;
  }

  /** Puts a failed entry back in line, behind the actions pending now, with a fresh budget. */
  retry(clientId: string): boolean {
    const slot = this.slots.get(clientId);
    if (!slot || slot.state !== 'failed') return false;
    slot.order = this.nextOrder();
    slot.state = this.online ? 'sending' : 'waiting';
    slot.reason = this.online ? undefined : this.waitingReason;
    slot.error = undefined;
    slot.retries = slot.internalErrors = slot.ackTimeouts = 0;
    slot.retryAt = 0;
    this.deps.journal?.saved(recordOf(slot));
    this.deps.changed(snapshot(slot));
    this.pump();
    return true;
  }

  /**
   * Removes an entry that is not on the wire. One in flight cannot be cancelled: the server
   * may be committing it right now; its answer decides (sent, or back in line when it can be
   * cancelled). An entry cancelled after an earlier attempt that got no answer (a dropped
   * connection) may still have been committed by that attempt: it then shows up in the
   * conversation like any message of yours.
   */
  cancel(clientId: string): boolean {
    const slot = this.slots.get(clientId);
    if (!slot || slot.inFlight) return false;
    this.forget(slot);
    this.deps.journal?.removed(clientId);
    this.deps.changed({ ...snapshot(slot), state: 'cancelled', reason: 'cancelled' });
    this.pump();
    return true;
  }

  /** Another tab took the entry over (or acked or cancelled it): stop sending it here. */
  release(clientId: string): void {
    const slot = this.slots.get(clientId);
    if (!slot) return;
    this.settle(slot);
    this.forget(slot);
    this.deps.changed({ ...snapshot(slot), state: 'cancelled', reason: 'other_tab' });
    this.pump();
  }

  /** Entries not yet acked, oldest first. */
  list(conversationId?: string): OutboxEntry[] {
    return this.sorted()
      .filter((slot) => conversationId === undefined || slot.conversationId === conversationId)
      .map(snapshot);
  }

  /** What this tab holds, for the store's lease renewal. */
  clientIds(): string[] {
    return [...this.slots.keys()];
  }

  dispose(): void {
    this.clearWake();
    for (const slot of this.slots.values()) this.clearTimer(slot);
  }

  /**
   * Sends what may go now: per conversation only its oldest unfailed entry, and only when
   * nothing of that conversation is in flight; oldest conversations first, as the pacer allows.
   * Then sleeps until the next backoff ends or the next token is due.
   */
  private pump(): void {
    if (!this.online || !this.restored) return;
    const now = this.deps.clock.now();
    let wakeAt: number | undefined;
    const seen = new Set<string>();
    for (const slot of this.sorted()) {
      if (slot.state === 'failed' || seen.has(slot.conversationId)) continue;
      seen.add(slot.conversationId);
      if (slot.inFlight) continue;
      if (slot.retryAt > now) {
        wakeAt = Math.min(wakeAt ?? Infinity, slot.retryAt);
        continue;
      }
      if (!this.pacer.tryTake()) {
        const next = this.pacer.nextAt();
        if (next !== undefined) wakeAt = Math.min(wakeAt ?? Infinity, next);
        break;
      }
      if (!this.transmit(slot)) return;
    }
    if (wakeAt !== undefined) this.wakeAt(wakeAt);
  }

  private transmit(slot: Slot): boolean {
    if (!this.deps.transmit(frameOf(slot.clientId, slot.conversationId, slot.action))) {
      this.pacer.settled();
      return false;
    }
    slot.attempts += 1;
    if (!slot.sentBefore) {
      slot.sentBefore = true;
      this.deps.journal?.saved(recordOf(slot));
    }
    slot.inFlight = true;
    slot.state = 'sending';
    const timeoutMs = this.deps.ackTimeoutMs * Math.min(MAX_ACK_TIMEOUT_FACTOR, 2 ** slot.ackTimeouts);
    const doubtMs = Math.min(this.deps.ackDoubtMs, timeoutMs);
    slot.timer = this.deps.clock.setTimeout(() => {
      this.deps.doubt();
      slot.timer = this.deps.clock.setTimeout(() => this.ackTimedOut(slot), timeoutMs - doubtMs);
    }, doubtMs);
    this.deps.changed(snapshot(slot));
    return true;
  }

  /**
   * The socket answers pings (or the doubt probe would have dropped it) but not this action:
   * the frame or its answer was lost, or the database is slow. Resend the same clientId.
   */
  private ackTimedOut(slot: Slot): void {
    slot.timer = undefined;
    this.settle(slot);
    slot.ackTimeouts += 1;
    slot.reason = 'no_ack';
    slot.error = new ParleyClientError('ack_timeout', 'No answer from the server', { retryable: true });
    this.deps.changed(snapshot(slot));
    this.pump();
  }

  private fail(slot: Slot, reason: FailureReason, message: string): void {
    slot.state = 'failed';
    slot.reason = reason;
    this.deps.journal?.saved(recordOf(slot, { reason, message }));
    this.deps.changed(snapshot(slot));
  }

  private newSlot(record: OutboxRecord): Slot {
    const slot: Slot = {
      clientId: record.clientId,
      conversationId: record.conversationId,
      action: record.action,
      createdAt: record.createdAt,
      order: record.order,
      state: this.online ? 'sending' : 'waiting',
      reason: this.online ? undefined : this.waitingReason,
      attempts: 0,
      sentBefore: record.sentBefore === true,
      inFlight: false,
      retryAt: 0,
      retries: 0,
      internalErrors: 0,
      ackTimeouts: 0,
    };
    this.slots.set(slot.clientId, slot);
    return slot;
  }

  /** Strictly increasing, and close to the wall clock so orders from other tabs interleave sensibly. */
  private nextOrder(): number {
    this.lastOrder = Math.max(this.deps.clock.now() * 1000, this.lastOrder + 1);
    return this.lastOrder;
  }

  private sorted(): Slot[] {
    return [...this.slots.values()].sort((a, b) => a.order - b.order);
  }

  /** The action's answer came (or will never come): it no longer holds a slot on the socket. */
  private settle(slot: Slot): void {
    this.clearTimer(slot);
    if (slot.inFlight) this.pacer.settled();
    slot.inFlight = false;
  }

  private forget(slot: Slot): void {
    this.clearTimer(slot);
    this.slots.delete(slot.clientId);
    this.forgotten.add(slot.clientId);
    if (this.forgotten.size > FORGOTTEN_KEPT) {
      const oldest = this.forgotten.values().next();
      if (!oldest.done) this.forgotten.delete(oldest.value);
    }
  }

  private wakeAt(at: number): void {
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    this.clearWake();
    const handle = this.deps.clock.setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.pump();
      },
      at - this.deps.clock.now(),
    );
    this.wakeTimer = { at, handle };
  }

  private clearWake(): void {
    if (this.wakeTimer) this.deps.clock.clearTimeout(this.wakeTimer.handle);
    this.wakeTimer = undefined;
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer !== undefined) this.deps.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
  }
}
