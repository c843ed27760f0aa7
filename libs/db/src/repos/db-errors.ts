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
 * SQLSTATE classes that say "try again later", not "this input is bad": connection exceptions
 * (08), insufficient resources (53), operator intervention (57: shutdown, statement timeout),
 * serialization failures and deadlocks (40).
 */
const TRANSIENT_SQLSTATE = /^(08|53|57|40)/;

/**
 * Whether a database failure is worth retrying. Failures without a SQLSTATE are the driver's
 * own (connection refused or reset, pool checkout timeout, "Connection terminated"): transient.
 * A SQLSTATE outside the transient classes (bad data, a violated constraint) will fail again.
 */
export function isTransientDbError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return TRANSIENT_SQLSTATE.test(code);
}
