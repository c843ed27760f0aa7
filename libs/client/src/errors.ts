import type { ErrorCode, ErrorFrame } from '@parley/protocol';

/**
 * What went wrong, in terms a UI can switch on:
 * - `unauthorized`: the session is missing or expired; sign in again (no reconnect).
 * - `version_unsupported`: this build speaks an old protocol; reload the app (no reconnect).
 * - `protocol`: a frame could not be parsed, or the server closed with protocol_error.
 * - `server`: the server answered with an `error` frame; see `code`.
 * - `ack_timeout`: an action got no answer in time (it is resent; see the outbox entry's reason).
 * - `gave_up`: the reconnect policy stopped retrying.
 * - `invalid_input`: `send` was called with a body the server would reject.
 * - `offline`: an operation that cannot wait for a reconnect (starting a call) was called while
 *   the connection was not open.
 * - `storage`: the outbox store (IndexedDB) failed; sending goes on, but unsent actions may not
 *   survive a reload.
 * - `user_changed`: the session now belongs to another user (signed in as someone else in
 *   another tab). The client stopped before sending anything queued; reload as the new user.
 */
export type ParleyClientErrorReason =
  | 'unauthorized'
  | 'version_unsupported'
  | 'protocol'
  | 'server'
  | 'ack_timeout'
  | 'gave_up'
  | 'invalid_input'
  | 'offline'
  | 'storage'
  | 'user_changed';

/** An `error` frame whose code may be one this SDK does not know (PROTOCOL.md §11, §14). */
export type LooseErrorFrame = Omit<ErrorFrame, 'code'> & { code: ErrorCode | (string & {}) };

export class ParleyClientError extends Error {
  override readonly name = 'ParleyClientError';
  readonly reason: ParleyClientErrorReason;
  /**
   * The server's error code when the error came from an `error` frame: one of `ErrorCode`, or a
   * code of a newer server that this SDK does not know (then `retryable` says what to do).
   */
  readonly code?: ErrorCode | (string & {});
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The `error` frame itself, when there was one. */
  readonly frame?: LooseErrorFrame;

  constructor(
    reason: ParleyClientErrorReason,
    message: string,
    extra: { code?: ErrorCode | (string & {}); retryable?: boolean; retryAfterMs?: number; frame?: LooseErrorFrame } = {},
  ) {
    super(message);
    this.reason = reason;
    this.code = extra.code;
    this.retryable = extra.retryable ?? false;
    this.retryAfterMs = extra.retryAfterMs;
    this.frame = extra.frame;
  }

  static fromFrame(frame: LooseErrorFrame): ParleyClientError {
    return new ParleyClientError(reasonOfCode(frame.code), frame.message, {
      code: frame.code,
      retryable: frame.retryable,
      retryAfterMs: frame.retryAfterMs,
      frame,
    });
  }
}

function reasonOfCode(code: string): ParleyClientErrorReason {
  return code === 'unauthorized' || code === 'version_unsupported' ? code : 'server';
}

export function isParleyClientError(value: unknown): value is ParleyClientError {
  return value instanceof ParleyClientError;
}
