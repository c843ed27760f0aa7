import type { TimerHandle } from './clock.ts';
import type { ParleyClientError } from './errors.ts';
import type { OutboxAction, OutboxEntry, OutboxReason, SendState } from './outbox-entry.ts';
import type { OutboxRecord } from './outbox-record.ts';

/** The outbox's mutable state for one entry; the world sees `snapshot`s of it. */
export interface Slot {
  readonly clientId: string;
  readonly conversationId: string;
  readonly action: OutboxAction;
  readonly createdAt: number;
  /** Position in the send order; later actions have larger numbers. */
  order: number;
  state: 'sending' | 'waiting' | 'failed';
  reason?: OutboxReason;
  error?: ParleyClientError;
  attempts: number;
  /** On the wire at least once, in this load or an earlier one (persisted). */
  sentBefore: boolean;
  inFlight: boolean;
  /** Not before this time (a retry's backoff or `retryAfterMs`). */
  retryAt: number;
  retries: number;
  internalErrors: number;
  ackTimeouts: number;
  timer?: TimerHandle;
}

export function recordOf(slot: Slot, failure?: OutboxRecord['failure']): OutboxRecord {
  return {
    clientId: slot.clientId,
    conversationId: slot.conversationId,
    action: slot.action,
    order: slot.order,
    createdAt: slot.createdAt,
    ...(slot.sentBefore ? { sentBefore: true } : {}),
    ...(failure ? { failure } : {}),
  };
}

export function snapshot(slot: Slot): OutboxEntry & { state: SendState } {
  return {
    clientId: slot.clientId,
    conversationId: slot.conversationId,
    action: slot.action,
    state: slot.state,
    ...(slot.reason ? { reason: slot.reason } : {}),
    createdAt: slot.createdAt,
    attempts: slot.attempts,
    wasSent: slot.sentBefore,
    inFlight: slot.inFlight,
    ...(slot.error ? { error: slot.error } : {}),
  };
}
