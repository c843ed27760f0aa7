import type { Db } from './create-db.ts';

/** One statement on the transaction's connection; rows as pg returns them. */
export type Query = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

export interface TransactionOptions {
  /** Postgres ends any statement of the transaction after this long (its caller gets an error). */
  statementTimeoutMs?: number;
  /**
   * REPEATABLE READ, READ ONLY: every statement sees the same snapshot, so a log read and the
   * log head it reports agree even while writers commit.
   */
  snapshot?: boolean;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 20_000;

/**
 * BEGIN (with the statement timeout, in the same round trip), `fn`, COMMIT; ROLLBACK on any
 * error. Plain pg on the pool under Prisma: the event log's hot paths skip the ORM.
 */
export async function inTransaction<T>(db: Db, fn: (query: Query) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const timeoutMs = Math.floor(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  const mode = options.snapshot ? ' ISOLATION LEVEL REPEATABLE READ READ ONLY' : '';
  const client = await db.pool.connect();
  try {
    await client.query(`BEGIN${mode}; SET LOCAL statement_timeout = ${timeoutMs}`);
    const result = await fn(async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[]);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection whose rollback fails is broken: destroy it rather than pool it.
    const broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw error;
  }
}
