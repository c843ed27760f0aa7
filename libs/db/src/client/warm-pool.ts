import type pg from 'pg';

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
