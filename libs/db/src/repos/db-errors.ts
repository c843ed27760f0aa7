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
