import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface CreateDbOptions {
  databaseUrl: string;
  /** Connections in this process' pool (pg's default is 10). */
  poolMax?: number;
}

export interface Db {
  prisma: PrismaClient;
  /**
   * The pool under Prisma. The message writer's hot path talks to it directly: Prisma's
   * per-statement overhead was a quarter of the gateway's CPU under chat load (tools/bench).
   */
  pool: pg.Pool;
  close(): Promise<void>;
}

/** How long a query may wait for a free pooled connection before it fails. */
const CONNECTION_WAIT_MS = 10_000;

/** One pg pool, shared by Prisma (driver adapter: no native query engine) and the writer. */
export function createDb(options: CreateDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
    ...(options.poolMax === undefined ? {} : { max: options.poolMax }),
  });
  // An idle connection that dies (Postgres restarted) must not crash the process: pg emits
  // 'error' on the pool, and the next checkout simply opens a new connection.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
