import type { Logger } from 'pino';
import { touchSessions, type Db } from '@parley/db';

/** A session's "last seen" is written at most this often per node: the Sessions page's precision. */
export const SESSION_TOUCH_EVERY_MS = 5 * 60 * 1000;
/** Sessions seen are written together, once per this interval. */
const FLUSH_EVERY_MS = 10_000;
/** Past this many remembered sessions, the ones not seen for a touch interval are forgotten. */
const SWEEP_AT = 10_000;

export interface SessionActivity {
  /** A request or frame used this session: cheap (a map lookup), call it on every one. */
  seen(sessionId: string): void;
  /** Writes what is pending now (the timer does it too). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps `sessions.last_seen_at` roughly current without a write per request: each node writes
 * a session at most once per SESSION_TOUCH_EVERY_MS, batched into one UPDATE every few
 * seconds. A failed write is dropped (it is only a display hint) and retried by the next use.
 */
export function createSessionActivity(options: { db: Db; logger: Logger; touchEveryMs?: number; flushEveryMs?: number }): SessionActivity {
  const touchEveryMs = options.touchEveryMs ?? SESSION_TOUCH_EVERY_MS;
  const touchedAt = new Map<string, number>();
  let pending = new Set<string>();
  let running: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const ids = [...pending];
    pending = new Set();
    try {
      await touchSessions(options.db, ids);
    } catch (error) {
      for (const id of ids) touchedAt.delete(id);
      options.logger.debug({ err: error, sessions: ids.length }, 'session last-seen write failed');
    }
  }
  const flush = () => (running = running.then(write));
  const timer = setInterval(() => void flush(), options.flushEveryMs ?? FLUSH_EVERY_MS);
  timer.unref();

  return {
    seen(sessionId) {
      const now = Date.now();
      const last = touchedAt.get(sessionId);
      if (last !== undefined && now - last < touchEveryMs) return;
      if (touchedAt.size >= SWEEP_AT) for (const [id, at] of touchedAt) if (now - at >= touchEveryMs) touchedAt.delete(id);
      touchedAt.set(sessionId, now);
      pending.add(sessionId);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
