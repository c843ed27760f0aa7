/**
 * Whether `error` means "Postgres cannot be reached or dropped the connection": the server is
 * stopped, restarting or refusing connections, a backend was terminated, no connection came
 * free in time, or the server stopped answering (frozen) and the pool's read timeout gave up. Such a failure is temporary and says nothing about the request, so
 * callers answer `unavailable` (retryable) instead of `internal`.
 *
 * The same failure arrives in several shapes: pg's own errors (a SQLSTATE `code`, a socket
 * errno `code`, or only a message), and Prisma's wrappers around them (a `P1xxx` code, or the
 * driver adapter's error under `meta.driverAdapterError.cause`). Causes are followed too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth += 1) {
    if (matches(current as ErrorLike)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
}

const MAX_CAUSE_DEPTH = 5;

/** SQLSTATE: class 08 (connection exception), plus the shutdown and capacity codes. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors while connecting or mid-query. */
const ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Prisma: can't reach, timed out reaching, server closed the connection, pool wait timed out. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** @prisma/adapter-pg's error kinds for the same events. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/**
 * pg's errors without a code: a dropped connection, a connect timeout, a pool wait timeout, and
 * a query the server never answered (a frozen host: the pool's read timeout).
 */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Query read timeout/;

function isSqlState(code: string): boolean {
  return SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

function matches(error: ErrorLike): boolean {
  const { code } = error;
  if (typeof code === 'string' && (isSqlState(code) || ERRNOS.has(code) || PRISMA_CODES.has(code))) return true;
  const adapter = error.meta?.driverAdapterError?.cause;
  if (typeof adapter?.kind === 'string' && ADAPTER_KINDS.has(adapter.kind)) return true;
  if (typeof adapter?.originalCode === 'string' && isSqlState(adapter.originalCode)) return true;
  return typeof error.message === 'string' && PG_MESSAGES.test(error.message);
}

/**
 * pg-pool gave up waiting for a free connection (`connectionTimeoutMillis`): every connection
 * was busy, which on a pool that keeps its connections open means load, not a lost server.
 */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}
