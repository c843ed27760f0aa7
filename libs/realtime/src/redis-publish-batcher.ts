import type { Redis } from 'ioredis';

export interface PublishBatcherOptions {
  redis: Redis;
  /**
   * Past this many publishes written but not yet answered by Redis, new ones are dropped:
   * a stalled connection (half-open TCP) must not buffer frames without bound.
   */
  maxInFlight: number;
  /** The topics of the publishes given up on (one entry per publish). */
  onDrop(topics: readonly string[], reason: 'redis_down' | 'in_flight_cap' | 'publish_failed'): void;
}

export interface PublishBatcher {
  publish(topic: string, payload: string): void;
  /** Sends what this tick queued now (close() uses it so the last publishes go out before QUIT). */
  flush(): void;
  stats(): { publishes: number; batches: number; inFlight: number };
}

/**
 * Every `publish` of one tick goes out as one pipeline (one write, one round trip) at the
 * next microtask. Order per topic holds: pairs are appended in call order and pipelines are
 * written in flush order on one connection. A publish is dropped, never parked, while the
 * connection is not ready: the offline queue is off, so memory stays bounded in an outage.
 */
export function createPublishBatcher(options: PublishBatcherOptions): PublishBatcher {
  const { redis, maxInFlight, onDrop } = options;
  /** Flat [topic, payload, topic, payload, ...]: no object per publish. */
  let pending: string[] = [];
  let inFlight = 0;
  let publishes = 0;
  let batches = 0;

  /** The topics of a flat [topic, payload, ...] batch, or of the entries at `indices`. */
  const topicsOf = (batch: string[], indices?: readonly number[]) =>
    (indices ?? Array.from({ length: batch.length / 2 }, (_, i) => i)).map((i) => batch[2 * i] as string);

  function flush(): void {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const count = batch.length / 2;
    if (redis.status !== 'ready') {
      onDrop(topicsOf(batch), 'redis_down');
      return;
    }
    const pipeline = redis.pipeline();
    for (let i = 0; i < batch.length; i += 2) pipeline.publish(batch[i] as string, batch[i + 1] as string);
    inFlight += count;
    batches += 1;
    pipeline.exec().then(
      (results) => {
        inFlight -= count;
        // A reply error, or a command rejected when the connection dropped mid-flight: it
        // may or may not have reached Redis; either way nobody resends it (at-most-once).
        const failed =
          results === null ? undefined : results.flatMap(([error], index) => (error === null ? [] : [index]));
        if (failed === undefined || failed.length > 0) onDrop(topicsOf(batch, failed), 'publish_failed');
      },
      () => {
        inFlight -= count;
        onDrop(topicsOf(batch), 'publish_failed');
      },
    );
  }

  return {
    publish(topic, payload) {
      publishes += 1;
      if (redis.status !== 'ready') {
        onDrop([topic], 'redis_down');
        return;
      }
      if (inFlight + pending.length / 2 >= maxInFlight) {
        onDrop([topic], 'in_flight_cap');
        return;
      }
      pending.push(topic, payload);
      if (pending.length === 2) queueMicrotask(flush);
    },
    flush,
    stats: () => ({ publishes, batches, inFlight }),
  };
}
