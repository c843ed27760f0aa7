import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface CreateDbOptions {
  databaseUrl: string;
  /** Connections in this process' pool (pg's default is 10). */
  poolMax?: number;
  /**
   * Keep every connection the pool has opened (up to poolMax) instead of closing those idle for
   * 10 s: a gateway's connections are opened at start (warmPool) for the storm of sockets that
   * follows a restart, which may come back later than that.
   */
  keepOpen?: boolean;
  /**
   * How long a query may wait for a connection (a free pooled one, or a new one) before it
   * fails. It bounds how long a request hangs while Postgres is unreachable or saturated.
   */
  connectTimeoutMs?: number;
  /**
   * Postgres cancels any statement of this pool's connections that runs longer than this
   * (`statement_timeout`), and the client gives up on its own `READ_TIMEOUT_GRACE_MS` later
   * (a frozen server never sends the cancellation). Together with `connectTimeoutMs` it bounds
   * how long any query can keep a request waiting.
   */
  statementTimeoutMs?: number;
  /**
   * Connection-level failures (server stopped or restarted, backend terminated). They are
   * reported here and never thrown: the query that was running fails on its own, and the
   * dead connection is dropped from the pool.
   */
  onConnectionError?: (error: Error) => void;
}

export interface Db {
  prisma: PrismaClient;
  /**
   * The pool under Prisma. The message writer's hot path talks to it directly: Prisma's
   * per-statement overhead was a quarter of the gateway's CPU under chat load (tools/bench).
   */
  pool: pg.Pool;
  /** The pool's statement timeout; transactions use it unless told otherwise. */
  statementTimeoutMs: number;
  close(): Promise<void>;
}

export const DEFAULT_POOL_MAX = 10;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/**
 * Chat acks wait for a commit: one that takes seconds is a database in trouble, and the client
 * is better told `unavailable` (it resends, idempotently) than left waiting.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
/**
 * statement_timeout is enforced by the server: a server that froze (or a network that drops
 * packets without a reset) never answers. This long after the statement timeout, the client
 * gives up on its own and the connection is thrown away.
 */
export const READ_TIMEOUT_GRACE_MS = 2_000;

/** One pg pool, shared by Prisma (driver adapter: no native query engine) and the writer. */
export function createDb(options: CreateDbOptions): Db {
  const report = options.onConnectionError ?? (() => undefined);
  const statementTimeoutMs = Math.floor(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    max: options.poolMax ?? DEFAULT_POOL_MAX,
    min: options.keepOpen ? (options.poolMax ?? DEFAULT_POOL_MAX) : 0,
    // Every query, Prisma's included: sent at connect time (server side), and a read timeout
    // (client side) for a server that stopped answering. pg.Pool.query, which Prisma uses
    // outside transactions, destroys a connection whose query failed this way.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + READ_TIMEOUT_GRACE_MS,
  });
  // pg's Pool listens for 'error' only on idle clients. A checked-out client (the writer's
  // transaction, Prisma's) whose connection dies emits 'error' with no listener, which is an
  // uncaught exception that ends the process. Every client gets a listener for its whole life.
  pool.on('connect', (client) => {
    client.on('error', report);
  });
  // The pool re-emits an idle client's error (already reported above) after dropping that
  // client; the next checkout simply opens a new connection.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    statementTimeoutMs,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
