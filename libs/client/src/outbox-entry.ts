import type { Attachment } from '@parley/protocol';
import type { ConversationEvent } from '@parley/protocol';
import type { ParleyClientError } from './errors.ts';

/**
 * - `sending`: on the wire, or about to be (paced, behind an earlier action of the same
 *   conversation, or retrying after a retryable error: see `reason`).
 * - `waiting`: no usable connection; it goes out by itself when one returns (`reason` says why).
 * - `failed`: the server refused it for good (`reason`); `retry` or `cancel` it.
 * - `sent`: acked, `event` is the committed event. Emitted once; the entry leaves the outbox.
 * - `cancelled`: left the outbox unsent (`cancel`, or another tab took it: `reason`). Emitted once.
 */
export type SendState = 'sending' | 'waiting' | 'failed' | 'sent' | 'cancelled';

/** Why an entry waits: it goes out by itself once this clears. */
export type WaitingReason =
  /** The connection is down (network, server restart): it returns by itself. */
  | 'offline'
  /** The session ended (close 4001): sending resumes after signing in again. */
  | 'signed_out'
  /** The server speaks a newer protocol (close 4002): resumes after reloading the app. */
  | 'update_required';

/** Why an entry is being retried; it never fails for these (except `server_error`, capped). */
export type RetryReason =
  /** The server's rate limit (rare: the SDK paces below it). */
  | 'rate_limited'
  /** The server could not commit it (`unavailable`, or a retryable code this SDK does not know). */
  | 'server_unavailable'
  /** The server failed unexpectedly (`internal`); after `maxInternalErrors` in a row it fails. */
  | 'server_error'
  /** No answer within `ackTimeoutMs` on a live connection: resent with the same clientId. */
  | 'no_ack';

/** Why the server refused an entry for good. Resending the same action cannot succeed. */
export type FailureReason =
  /** Not (or no longer) a member of the conversation. */
  | 'not_member'
  /** Not allowed on that message (someone else's, or a call or system message). */
  | 'forbidden'
  /** The message it edits, deletes, reacts to or replies to does not exist. */
  | 'not_found'
  /** The message was deleted meanwhile. */
  | 'conflict'
  /** Too many reactions on that message. */
  | 'limit_exceeded'
  /** The server cannot take it as it is (`bad_frame`, `invalid_input`). */
  | 'invalid'
  /** `internal` errors `maxInternalErrors` times in a row. */
  | 'server_error'
  /** A non-retryable code this SDK does not know. */
  | 'rejected';

/** Why an entry left the outbox without an ack. */
export type CancelReason =
  /** `cancel(clientId)` */
  | 'cancelled'
  /** Another tab of this user took it over, or acked or cancelled it (see OutboxStore). */
  | 'other_tab';

export type OutboxReason = WaitingReason | RetryReason | FailureReason | CancelReason;

/** What an outbox entry asks the server to do in its conversation. */
export type OutboxAction =
  /** `attachments`: uploads (POST /files) sent with it, kept whole so a pending message can show them. */
  | { type: 'send'; body: string; replyTo?: string; attachments?: Attachment[] }
  | { type: 'edit'; messageId: string; body: string }
  | { type: 'delete'; messageId: string }
  | { type: 'react'; messageId: string; emoji: string; action: 'add' | 'remove' };

/** A snapshot of one action; a new object is emitted on every change. */
export interface OutboxEntry {
  readonly clientId: string;
  readonly conversationId: string;
  readonly action: OutboxAction;
  readonly state: SendState;
  /** Set while `waiting`, `failed` and `cancelled`, and on `sending` while retrying. */
  readonly reason?: OutboxReason;
  /** When it was written (the writing tab's clock, ms since the epoch). For display only. */
  readonly createdAt: number;
  /** How many times the frame went on the wire in this page load. */
  readonly attempts: number;
  /**
   * It went on the wire at least once, in this load or before a reload: the server may have
   * committed it, so cancelling (or signing out) cannot promise it never arrives.
   */
  readonly wasSent: boolean;
  /** On the wire, answer pending: it cannot be cancelled now (the server may be committing it). */
  readonly inFlight: boolean;
  /** The server's error behind `reason`, when there was one (for logs, never for people). */
  readonly error?: ParleyClientError;
  /**
   * The committed event, once `sent` (for a send: its `message_created`). Absent on an acked
   * action that was already in effect, such as a reaction you already had.
   */
  readonly event?: ConversationEvent;
}
