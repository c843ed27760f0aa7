import pg from 'pg';
import { READ_TIMEOUT_GRACE_MS, type Db } from './create-db.ts';

/**
 * One statement on the transaction's connection; rows as pg returns them. With `name`, the
 * statement is prepared once per connection under that name and later runs send only its
 * parameters: Postgres skips parsing and planning it again, and the text stays off the wire.
 * For the hot path's fixed statements only (one text per name, for the life of the pool).
 */
export type Query = <R>(sql: string, params?: unknown[], name?: string) => Promise<R[]>;

export interface TransactionOptions {
  /**
   * Postgres ends any statement of the transaction after this long (its caller gets an error);
   * the pool's (`DATABASE_STATEMENT_TIMEOUT_MS`) by default.
   */
  statementTimeoutMs?: number;
  /**
   * REPEATABLE READ, READ ONLY: every statement sees the same snapshot, so a log read and the
   * log head it reports agree even while writers commit.
   */
  snapshot?: boolean;
}

/** How long a ROLLBACK may take before the connection is presumed broken. */
const ROLLBACK_TIMEOUT_MS = 2_000;
/** The message pg gives a query that outran its `query_timeout`. */
export const QUERY_READ_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * BEGIN (with the statement timeout, in the same round trip), `fn`, COMMIT; ROLLBACK on any
 * error. Plain pg on the pool under Prisma: the event log's hot paths skip the ORM.
 */
export async function inTransaction<T>(db: Db, fn: (query: Query) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const timeoutMs = Math.floor(options.statementTimeoutMs ?? db.statementTimeoutMs);
  const mode = options.snapshot ? ' ISOLATION LEVEL REPEATABLE READ READ ONLY' : '';
  const readTimeoutMs = timeoutMs + READ_TIMEOUT_GRACE_MS;
  const client = await db.pool.connect();
  const run = (text: string, values: unknown[] = [], queryTimeout = readTimeoutMs, name?: string) => submit(client, text, values, queryTimeout, name);
  try {
    await run(`BEGIN${mode}; SET LOCAL statement_timeout = ${timeoutMs}`);
    const result = await fn(async <R>(sql: string, params: unknown[] = [], name?: string) => (await run(sql, params, readTimeoutMs, name)).rows as R[]);
    await run('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that timed out on our side, or whose rollback fails, is broken: destroy it
    // rather than pool it (and do not wait on a rollback it would never answer).
    const timedOut = error instanceof Error && error.message === QUERY_READ_TIMEOUT_MESSAGE;
    const broken =
      timedOut ||
      (await run('ROLLBACK', [], ROLLBACK_TIMEOUT_MS).then(
        () => false,
        () => true,
      ));
    client.release(broken);
    throw error;
  }
}

/** pg's Query, with the fields it reads at submit time that its type definitions leave out. */
type SubmittedQuery = pg.Query & { name?: string; query_timeout?: number };

/**
 * One query on `client`, with a read timeout and, for a prepared statement, its name. Built
 * from the text and values, not from a config object: pg 8.23 copies a config object
 * property by property on every query (normalizeQueryConfig), which cost as much CPU as the
 * rest of the query's client-side work (a string query: ~20 µs, a config object: ~40 µs).
 */
function submit(client: pg.PoolClient, text: string, values: unknown[], queryTimeoutMs: number, name: string | undefined): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query: SubmittedQuery = new pg.Query(text, values, (error, result) => (error ? reject(error) : resolve(result as unknown as pg.QueryResult)));
    if (name) query.name = name;
    query.query_timeout = queryTimeoutMs;
    client.query(query);
  });
}
