import type { ErrorCode, ErrorFrame } from '@parley/protocol';

/**
 * What went wrong, in terms a UI can switch on:
 * - `unauthorized`: the session is missing or expired; sign in again (no reconnect).
 * - `version_unsupported`: this build speaks an old protocol; reload the app (no reconnect).
 * - `protocol`: a frame could not be parsed, or the server closed with protocol_error.
 * - `server`: the server answered with an `error` frame; see `code`.
 * - `ack_timeout`: a send got no ack in time, twice.
 * - `gave_up`: the reconnect policy stopped retrying.
 * - `invalid_input`: `send` was called with a body the server would reject.
 * - `offline`: an operation that cannot wait for a reconnect (starting a call) was called while
 *   the connection was not open.
 */
export type ParleyClientErrorReason =
  | 'unauthorized'
  | 'version_unsupported'
  | 'protocol'
  | 'server'
  | 'ack_timeout'
  | 'gave_up'
  | 'invalid_input'
  | 'offline';

export class ParleyClientError extends Error {
  override readonly name = 'ParleyClientError';
  readonly reason: ParleyClientErrorReason;
  /** The server's error code when the error came from an `error` frame. */
  readonly code?: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The `error` frame itself, when there was one. */
  readonly frame?: ErrorFrame;

  constructor(
    reason: ParleyClientErrorReason,
    message: string,
    extra: { code?: ErrorCode; retryable?: boolean; retryAfterMs?: number; frame?: ErrorFrame } = {},
  ) {
    super(message);
    this.reason = reason;
    this.code = extra.code;
    this.retryable = extra.retryable ?? false;
    this.retryAfterMs = extra.retryAfterMs;
    this.frame = extra.frame;
  }

  static fromFrame(frame: ErrorFrame): ParleyClientError {
    return new ParleyClientError(reasonOfCode(frame.code), frame.message, {
      code: frame.code,
      retryable: frame.retryable,
      retryAfterMs: frame.retryAfterMs,
      frame,
    });
  }
}

function reasonOfCode(code: ErrorCode): ParleyClientErrorReason {
  return code === 'unauthorized' || code === 'version_unsupported' ? code : 'server';
}

export function isParleyClientError(value: unknown): value is ParleyClientError {
  return value instanceof ParleyClientError;
}
