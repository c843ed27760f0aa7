import { isDatabaseUnavailable } from '../client/unavailable.ts';
import { QUERY_READ_TIMEOUT_MESSAGE } from '../client/transaction.ts';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Postgres would reject a malformed uuid with a query error; callers map this to not_found etc. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/**
 * A unique-constraint violation, whether Prisma reports it as P2002 (model queries) or passes
 * the driver error through (raw queries: SQLSTATE 23505 in the adapter's error details).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; meta?: Record<string, unknown>; message?: unknown };
  if (e.code === 'P2002' || e.code === '23505') return true;
  const cause = (e.meta?.['driverAdapterError'] as { cause?: { kind?: string; originalCode?: string } } | undefined)
    ?.cause;
  if (cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505') return true;
  return typeof e.message === 'string' && /23505|Unique constraint failed/i.test(e.message);
}

/**
 * SQLSTATEs that ask for a retry although the database is reachable: serialization failures
 * and deadlocks (class 40), insufficient resources (53), a statement timeout (57014).
 */
const RETRY_SQLSTATE = /^(40|53)[0-9A-Z]{3}$|^57014$/;

/**
 * Whether a failed write is worth retrying: the database was unreachable or dropped the
 * connection (`isDatabaseUnavailable`), a query outran its client-side read timeout, or
 * Postgres asked for a retry. Anything else (bad data, a violated constraint, a bug) will fail
 * the same way again: its caller must not call it retryable.
 */
export function isRetryableDbError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && RETRY_SQLSTATE.test(code)) return true;
  return typeof message === 'string' && message === QUERY_READ_TIMEOUT_MESSAGE;
}

/** pg's messages for "no connection in time" (pool wait or connect) and "no answer in time". */
const NO_ANSWER_MESSAGES = /timeout exceeded when trying to connect|Connection terminated due to connection timeout/;

/**
 * The database did not answer in time: a statement ran into `statement_timeout`, a query outran
 * its read timeout (a frozen server), or no connection came in time. Work queued behind the
 * failed one would wait for the same database, so the writer fails it at once.
 */
export function isDatabaseTimeout(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === '57014') return true;
  return typeof message === 'string' && (message === QUERY_READ_TIMEOUT_MESSAGE || NO_ANSWER_MESSAGES.test(message));
}
