import type { Db } from '../client/create-db.ts';

/**
 * Keys of the Postgres advisory locks that keep a periodic job to one node at a time (the
 * migration lock, 72707369, is in migrate.ts). Distinct numbers, never reused for anything else.
 */
export const JOB_LOCK_KEYS = {
  fileSweep: 72707370,
} as const;
export type JobLock = keyof typeof JOB_LOCK_KEYS;

/**
 * Runs `fn` if no other node (or process) is running the job `job`, else returns
 * `{ ran: false }` at once. The lock is a transaction-level advisory lock
 * (pg_try_advisory_xact_lock) on a connection held for the run: it goes when the run ends, and
 * with the connection if the node dies, so a crash never leaves the job locked. `fn` does its
 * own queries on the pool; the held connection only keeps the lock (idle, no snapshot).
 */
export async function runExclusive<T>(db: Db, job: JobLock, fn: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
  const client = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [JOB_LOCK_KEYS[job]]);
    if (!rows[0]?.locked) return { ran: false };
    return { ran: true, result: await fn() };
  } finally {
    // Ends the transaction and with it the lock. A connection that cannot is dropped, not
    // pooled: closing it releases the lock too.
    await client.query('ROLLBACK').catch((error: unknown) => {
      broken = error instanceof Error ? error : new Error(String(error));
    });
    client.release(broken);
  }
}
