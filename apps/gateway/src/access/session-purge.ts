import type { Logger } from 'pino';
import { purgeSessions, type Db } from '@parley/db';

/** How often each node purges; the first run waits a random part of it, so nodes spread out. */
export const SESSION_PURGE_EVERY_MS = 10 * 60 * 1000;

export interface SessionPurge {
  /** One purge now (the timer runs it too); resolves with how many rows it deleted. */
  run(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Deletes sessions that were revoked or expired more than `retentionMs` ago, on every node:
 * the statement is safe to run on many nodes at once (see purgeSessions), so no leader is
 * needed. Failures (Postgres down) are logged once and retried at the next round.
 */
export function startSessionPurge(options: { db: Db; logger: Logger; retentionMs: number; everyMs?: number }): SessionPurge {
  const everyMs = options.everyMs ?? SESSION_PURGE_EVERY_MS;
  let failing = false;
  let closed = false;
  let chain: Promise<number> = Promise.resolve(0);

  async function purge(): Promise<number> {
    try {
      const deleted = await purgeSessions(options.db, options.retentionMs);
      if (deleted > 0) options.logger.info({ deleted }, 'old sessions purged');
      failing = false;
      return deleted;
    } catch (error) {
      if (!failing) options.logger.warn({ err: error }, 'session purge failed; retrying next round');
      failing = true;
      return 0;
    }
  }
  const run = () => (chain = chain.then(purge));

  let timer: NodeJS.Timeout | undefined;
  const schedule = (delayMs: number) => {
    if (closed) return;
    timer = setTimeout(() => void run().then(() => schedule(everyMs)), delayMs);
    timer.unref();
  };
  schedule(Math.floor(Math.random() * everyMs));

  return {
    run,
    async close() {
      closed = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
