import { errorInfo, type HubLogger } from './logger.ts';

/** pino's `info` is optional so a plain HubLogger still works; recoveries fall back to `warn`. */
export interface RedisBusLogger extends HubLogger {
  info?(obj: object, msg: string): void;
}

export interface RedisBusHealth {
  /** Both connections are ready and every subscription is confirmed (again) by Redis. */
  ok: boolean;
  /** `Date.now()` when `ok` last changed (or when the bus was created). */
  since: number;
  publisherUp: boolean;
  /** The subscriber is connected and its subscriptions are restored. */
  subscriberUp: boolean;
  /** Publishes given up on since the bus was created: outage, in-flight cap, error reply. */
  droppedPublishes: number;
}

export type Connection = 'publisher' | 'subscriber';

/** At most one "publishes dropped" line per this interval, whatever the drop rate. */
export const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Health state and its logging: one `error` line when the bus goes down, one line when it
 * recovers (with how long, how much was dropped and how many connection errors were not
 * logged), never one line per retry or per dropped publish.
 */
export interface HealthTracker {
  snapshot(): RedisBusHealth;
  update(change: { publisherUp?: boolean; subscriberUp?: boolean }, context: object): void;
  connectionError(connection: Connection, error: unknown): void;
  dropped(count: number, reason: string): void;
  onChange(listener: (health: RedisBusHealth) => void): () => void;
  /** Stops reporting: the bus is closing, its connections going away is not an outage. */
  close(): void;
}

export function createHealthTracker(logger: RedisBusLogger, now: () => number = Date.now): HealthTracker {
  const listeners = new Set<(health: RedisBusHealth) => void>();
  let publisherUp = false;
  let subscriberUp = false;
  let ok = false;
  let since = now();
  let closed = false;
  let everUp = false;
  let droppedPublishes = 0;
  // Per outage: what the single recovery line reports.
  let droppedAtDown = 0;
  let errorLogged = false;
  let unloggedErrors = 0;
  let lastDropLogAt = Number.NEGATIVE_INFINITY;
  let droppedSinceLog = 0;

  const snapshot = (): RedisBusHealth => ({ ok, since, publisherUp, subscriberUp, droppedPublishes });

  function transition(nextOk: boolean, context: object): void {
    const at = now();
    const downMs = at - since;
    ok = nextOk;
    since = at;
    if (!nextOk) {
      droppedAtDown = droppedPublishes;
      logger.error({ ...context, publisherUp, subscriberUp }, 'redis bus down: publishes are dropped until it reconnects');
    } else if (everUp) {
      const info = logger.info?.bind(logger) ?? logger.warn.bind(logger);
      info({ ...context, downMs, droppedPublishes: droppedPublishes - droppedAtDown, unloggedErrors }, 'redis bus recovered');
    } else {
      logger.info?.({ ...context }, 'redis bus connected');
    }
    if (nextOk) {
      everUp = true;
      errorLogged = false;
      unloggedErrors = 0;
    }
    const health = snapshot();
    for (const listener of [...listeners]) {
      try {
        listener(health);
      } catch (error) {
        logger.error({ ...errorInfo(error) }, 'redis bus health listener threw');
      }
    }
  }

  return {
    snapshot,

    update(change, context) {
      if (closed) return;
      publisherUp = change.publisherUp ?? publisherUp;
      subscriberUp = change.subscriberUp ?? subscriberUp;
      const nextOk = publisherUp && subscriberUp;
      if (nextOk !== ok) transition(nextOk, context);
    },

    connectionError(connection, error) {
      if (closed) return;
      // ioredis emits one error per failed reconnect attempt: the first one says why.
      if (errorLogged) {
        unloggedErrors += 1;
        return;
      }
      errorLogged = true;
      logger.error({ connection, ...errorInfo(error) }, 'redis connection error; retrying quietly');
    },

    dropped(count, reason) {
      droppedPublishes += count;
      droppedSinceLog += count;
      const at = now();
      if (at - lastDropLogAt < DROP_LOG_INTERVAL_MS) return;
      logger.warn({ reason, dropped: droppedSinceLog, droppedTotal: droppedPublishes }, 'redis bus dropped publishes');
      lastDropLogAt = at;
      droppedSinceLog = 0;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    close() {
      closed = true;
      ok = false;
      publisherUp = false;
      subscriberUp = false;
      since = now();
      listeners.clear();
    },
  };
}
