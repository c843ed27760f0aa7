import type pg from 'pg';
import type { Db } from './create-db.ts';

/**
 * Opens `count` of the pool's connections at once and returns them to it idle; resolves with
 * how many opened. A node calls it before it says it is running: right after a restart its
 * sockets all come back at once, and a connection opened then is opened while Postgres is
 * busiest (a new backend each), which under load can take longer than the connect timeout and
 * fail the request that asked for it. Never throws: a connection that cannot open now is
 * opened later by the first query that needs it, as without warming.
 */
export async function warmPool(pool: pg.Pool, count: number): Promise<number> {
  const attempts = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  let opened = 0;
  for (const attempt of attempts) {
    if (attempt.status !== 'fulfilled') continue;
    attempt.value.release();
    opened += 1;
  }
  return opened;
}

/**
 * warmPool, then Prisma's first query: its first use builds its query machinery (a quarter of a
 * second on a quiet 2-core machine, seconds under load), which a node's first request, often a
 * load balancer's readiness probe with a short timeout, would otherwise pay. Never throws.
 */
export async function warmDb(db: Db, connections: number): Promise<number> {
  const opened = await warmPool(db.pool, connections);
  await db.prisma.$queryRaw`SELECT 1`.catch(() => undefined);
  return opened;
}
