import { AppError, isAppError } from '@parley/protocol';
import { isRetryableDbError } from '@parley/db';

/**
 * The AppError a frame handler's failure stands for, or undefined for a real bug (answered
 * `internal` and logged). A database outage is expected: the client is told `unavailable`,
 * retryable, whichever query hit it (the writer already says so for sends); so is a query that
 * ran past the statement timeout, or that Postgres asked to retry.
 */
export function expectedErrorOf(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (isRetryableDbError(error)) return new AppError('unavailable');
  return undefined;
}
