/**
 * Expected failures, one table for the whole product. Each code maps once to an HTTP status
 * (tRPC / REST), once to a WS `error` frame, and, where it ends the socket, to a close code.
 */
export const ERROR_CODES = {
  bad_json: { http: 400, retryable: false, message: 'Frame is not valid JSON' },
  bad_frame: { http: 400, retryable: false, message: 'Frame does not match its schema' },
  unknown_type: { http: 400, retryable: false, message: 'Unknown frame type' },
  binary_unsupported: { http: 400, retryable: false, message: 'Binary frames are not supported' },
  hello_required: { http: 400, retryable: false, message: 'Send hello before any other frame' },
  already_hello: { http: 400, retryable: false, message: 'hello was already accepted on this socket' },
  version_unsupported: { http: 400, retryable: false, message: 'Protocol version not supported' },
  unauthorized: { http: 401, retryable: false, message: 'Sign in required' },
  forbidden_origin: { http: 403, retryable: false, message: 'Origin not allowed' },
  not_member: { http: 403, retryable: false, message: 'Not a member of this conversation' },
  forbidden: { http: 403, retryable: false, message: 'Not allowed' },
  not_found: { http: 404, retryable: false, message: 'Not found' },
  conflict: { http: 409, retryable: false, message: 'Conflict' },
  handle_taken: { http: 409, retryable: false, message: 'That handle is taken' },
  invalid_credentials: { http: 401, retryable: false, message: 'Wrong handle or password' },
  invalid_input: { http: 400, retryable: false, message: 'Invalid input' },
  limit_exceeded: { http: 409, retryable: false, message: 'Limit reached' },
  too_large: { http: 413, retryable: false, message: 'File too large' },
  rate_limited: { http: 429, retryable: true, message: 'Too many requests, slow down' },
  unavailable: { http: 503, retryable: true, message: 'Temporarily unavailable, retry' },
  overloaded: { http: 503, retryable: true, message: 'The server is busy, retry later' },
  internal: { http: 500, retryable: true, message: 'Internal error' },
} as const satisfies Record<string, { http: number; retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** A typed, expected failure. Programmer mistakes throw plain `Error`s instead. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * WebSocket close codes. 1xxx are RFC 6455 codes used with their standard meaning;
 * 4xxx are Parley's own. `reconnect` tells a client whether retrying can help.
 */
export const CLOSE_CODES = {
  normal: { code: 1000, reconnect: false },
  going_away: { code: 1001, reconnect: true },
  too_big: { code: 1009, reconnect: true },
  internal: { code: 1011, reconnect: true },
  service_restart: { code: 1012, reconnect: true },
  try_again_later: { code: 1013, reconnect: true },
  protocol_error: { code: 4000, reconnect: false },
  unauthorized: { code: 4001, reconnect: false },
  version_unsupported: { code: 4002, reconnect: false },
  hello_timeout: { code: 4003, reconnect: true },
  heartbeat_timeout: { code: 4004, reconnect: true },
  slow_consumer: { code: 4008, reconnect: true },
  rate_limited: { code: 4009, reconnect: true },
} as const satisfies Record<string, { code: number; reconnect: boolean }>;

export type CloseReason = keyof typeof CLOSE_CODES;

export function closeReasonOf(code: number): CloseReason | undefined {
  for (const [reason, entry] of Object.entries(CLOSE_CODES)) {
    if (entry.code === code) return reason as CloseReason;
  }
  return undefined;
}

/** Whether a client should reconnect after the server closed with `code`. Unknown codes: yes. */
export function shouldReconnect(code: number): boolean {
  const reason = closeReasonOf(code);
  return reason === undefined ? true : CLOSE_CODES[reason].reconnect;
}
