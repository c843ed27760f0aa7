import { AppError, isAppError } from '@parley/protocol';
import { isDatabaseUnavailable } from '@parley/db';

/**
 * The AppError a frame handler's failure stands for, or undefined for a real bug (answered
 * `internal` and logged). A database outage is expected: the client is told `unavailable`,
 * retryable, whichever query hit it (the writer already says so for sends).
 */
export function expectedErrorOf(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (isDatabaseUnavailable(error)) return new AppError('unavailable');
  return undefined;
}
