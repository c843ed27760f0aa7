import { AppError } from '@parley/protocol';
import { Redis, type RedisOptions } from 'ioredis';
import type { Bus } from './bus.ts';
import { createConsoleLogger, errorInfo } from './logger.ts';
import { createHealthTracker, type RedisBusHealth, type RedisBusLogger } from './redis-bus-health.ts';
import { createRecoveryTracker } from './redis-bus-recovery.ts';
import { createPublishBatcher } from './redis-publish-batcher.ts';

export const DEFAULT_MAX_IN_FLIGHT_PUBLISHES = 10_000;
export const DEFAULT_MIN_RECONNECT_DELAY_MS = 50;
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 2_000;
export const DEFAULT_SOCKET_TIMEOUT_MS = 5_000;
export const DEFAULT_PING_INTERVAL_MS = 10_000;
const RECONNECT_JITTER_MS = 100;
/** Channels per SUBSCRIBE when restoring after a reconnect: bounded command size. */
const RESTORE_CHUNK_TOPICS = 500;

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  logger?: RedisBusLogger;
  /** CLIENT SETNAME prefix: the connections show as `<name>:pub` and `<name>:sub`. */
  connectionName?: string;
  maxInFlightPublishes?: number;
  /** Reconnect backoff: doubles from min to max, plus up to 100 ms of jitter. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A command unanswered for this long means the connection is dead: reconnect. */
  socketTimeoutMs?: number;
  /** PINGs both connections so a half-open socket is noticed (via socketTimeoutMs). */
  pingIntervalMs?: number;
}

export interface RedisBusStats {
  publishes: number;
  /** Pipelines written: publishes of one tick share one. */
  publishBatches: number;
  inFlightPublishes: number;
  droppedPublishes: number;
  /** Topics with at least one local handler (one Redis subscription each). */
  topics: number;
}

export interface RedisBus extends Required<Bus> {
  health(): RedisBusHealth;
  /** Called on every change of `health().ok`; returns the unsubscribe function. */
  onHealthChange(listener: (health: RedisBusHealth) => void): () => void;
  /** Resolves once healthy; rejects with AppError('unavailable') after `timeoutMs`. */
  waitUntilHealthy(timeoutMs: number): Promise<void>;
  stats(): RedisBusStats;
}

type Handler = (payload: string) => void;

interface TopicEntry {
  readonly handlers: Set<Handler>;
  /** The latest SUBSCRIBE covering this topic; settles when Redis answers it. */
  confirmed: Promise<unknown>;
}

/**
 * The Bus over Redis pub/sub: a publisher connection and a dedicated subscriber connection
 * (a subscribed RESP2 connection accepts nothing else, and publishes must not queue behind
 * subscription churn). See README "Redis bus" for the outage semantics.
 */
export function createRedisBus(options: RedisBusOptions): RedisBus {
  const logger = options.logger ?? createConsoleLogger();
  const name = options.connectionName ?? 'parley-bus';
  const minDelayMs = options.minReconnectDelayMs ?? DEFAULT_MIN_RECONNECT_DELAY_MS;
  const maxDelayMs = options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS;
  const health = createHealthTracker(logger);
  const recovery = createRecoveryTracker(logger);
  health.onChange((h) => recovery.healthChanged(h.ok));
  const common: RedisOptions = {
    // Fail fast instead of queueing: a publish during an outage is dropped (at-most-once,
    // clients heal by seq) and a subscribe waits in `topics` for the next connection, so
    // nothing grows while Redis is away.
    enableOfflineQueue: false,
    // Reject commands in flight when the connection drops, rather than parking them until
    // a reconnect; a resent PUBLISH could be delivered twice.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Restored from `topics` below: ioredis would also revive channels whose UNSUBSCRIBE
    // failed during the outage, and gives no signal when the restore is confirmed.
    autoResubscribe: false,
    retryStrategy: (attempt) =>
      Math.min(minDelayMs * 2 ** (attempt - 1), maxDelayMs) + Math.floor(Math.random() * RECONNECT_JITTER_MS),
    socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
  };
  const publisher = new Redis(options.url, { ...common, connectionName: `${name}:pub` });
  const subscriber = new Redis(options.url, { ...common, connectionName: `${name}:sub` });
  const topics = new Map<string, TopicEntry>();
  const batcher = createPublishBatcher({
    redis: publisher,
    maxInFlight: options.maxInFlightPublishes ?? DEFAULT_MAX_IN_FLIGHT_PUBLISHES,
    onDrop: (dropped, reason) => {
      health.dropped(dropped.length, reason);
      recovery.dropped(dropped);
    },
  });
  let closed = false;
  /** Bumped per subscriber connection, so a restore finishing late cannot mark a newer one live. */
  let generation = 0;

  publisher.on('ready', () => health.update({ publisherUp: true }, { connection: 'publisher' }));
  publisher.on('close', () => health.update({ publisherUp: false }, { connection: 'publisher' }));
  publisher.on('error', (error: unknown) => health.connectionError('publisher', error));
  subscriber.on('ready', restore);
  let subscriberWasLive = false;
  subscriber.on('close', () => {
    generation += 1;
    // Whatever was published while this connection is away never reaches this node.
    if (subscriberWasLive) recovery.subscriptionsLost();
    subscriberWasLive = false;
    health.update({ subscriberUp: false }, { connection: 'subscriber' });
  });
  subscriber.on('error', (error: unknown) => health.connectionError('subscriber', error));
  subscriber.on('ready', () => (subscriberWasLive = true));
  subscriber.on('message', deliver);

  const pingTimer = setInterval(() => {
    for (const redis of [publisher, subscriber]) {
      // Unanswered, socketTimeout destroys the socket and the reconnect path takes over.
      if (redis.status === 'ready') redis.ping().catch(() => undefined);
    }
  }, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
  pingTimer.unref();

  /** A new subscriber connection holds nothing: subscribe every topic that has a handler. */
  function restore(): void {
    if (closed) return;
    const current = (generation += 1);
    const all = [...topics.keys()];
    const chunks: Array<Promise<unknown>> = [];
    for (let i = 0; i < all.length; i += RESTORE_CHUNK_TOPICS) {
      const chunk = all.slice(i, i + RESTORE_CHUNK_TOPICS);
      const confirmed = subscriber.subscribe(...chunk);
      confirmed.catch(() => undefined); // awaited by subscribe() callers and below
      for (const topic of chunk) {
        const entry = topics.get(topic);
        if (entry !== undefined) entry.confirmed = confirmed;
      }
      chunks.push(confirmed);
    }
    Promise.all(chunks).then(
      () => {
        if (current === generation) health.update({ subscriberUp: true }, { connection: 'subscriber', restoredTopics: all.length });
      },
      // The connection dropped again: its close handler reported it, the next ready retries.
      () => undefined,
    );
  }

  function deliver(topic: string, payload: string): void {
    const entry = topics.get(topic);
    if (entry === undefined) return;
    for (const handler of [...entry.handlers]) {
      if (!entry.handlers.has(handler)) continue; // unsubscribed by an earlier handler
      try {
        handler(payload);
      } catch (error) {
        logger.error({ topic, ...errorInfo(error) }, 'bus handler threw');
      }
    }
  }

  /** Drops one handler; the last one out unsubscribes the topic on Redis. */
  async function release(topic: string, entry: TopicEntry, handler: Handler): Promise<void> {
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0 || topics.get(topic) !== entry) return;
    topics.delete(topic);
    // Not ready: the connection that held the subscription is gone, and restore() only
    // subscribes topics still in `topics`. Ready: sent after any earlier SUBSCRIBE of this
    // topic on the same connection, so Redis ends in the state of the last call.
    if (subscriber.status !== 'ready') return;
    try {
      await subscriber.unsubscribe(topic);
    } catch (error) {
      if (subscriber.status === 'ready') logger.warn({ topic, ...errorInfo(error) }, 'redis unsubscribe failed');
    }
  }

  /**
   * SUBSCRIBE now when connected. While Redis is away there is nothing to send: the caller is
   * not refused (a node keeps accepting sockets and delivering locally), the topic waits in
   * `topics` for the next connection, and that connection's recovery report tells the hub to
   * re-sync its sockets.
   */
  function subscribeNow(topic: string): Promise<unknown> {
    if (subscriber.status === 'ready') {
      const confirmed = subscriber.subscribe(topic);
      confirmed.catch(() => undefined); // awaited by subscribe(); other callers may share it
      return confirmed;
    }
    recovery.subscriptionsLost();
    return Promise.resolve();
  }

  async function waitUntilHealthy(timeoutMs: number): Promise<void> {
    if (health.snapshot().ok) return;
    if (closed) throw new Error('bus is closed');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new AppError('unavailable', `redis bus not healthy after ${timeoutMs} ms`));
      }, timeoutMs);
      const off = health.onChange((h) => {
        if (!h.ok) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  async function quit(redis: Redis): Promise<void> {
    if (redis.status !== 'ready') {
      redis.disconnect();
      return;
    }
    try {
      await redis.quit();
    } catch {
      redis.disconnect();
    }
  }

  return {
    publish(topic, payload) {
      if (!closed) batcher.publish(topic, payload);
    },

    async subscribe(topic, handler) {
      if (closed) throw new Error('bus is closed');
      // Wrapped so the same function subscribed twice is two subscriptions.
      const own: Handler = (payload) => handler(payload);
      let entry = topics.get(topic);
      if (entry === undefined) {
        entry = { handlers: new Set(), confirmed: subscribeNow(topic) };
        topics.set(topic, entry);
      }
      const joined = entry;
      joined.handlers.add(own);
      // Confirmed, or not possible now: then the topic stays registered, the next connection
      // subscribes it (restore), and the recovery report says subscriptions were missing.
      await joined.confirmed.catch((error: unknown) => {
        recovery.subscriptionsLost();
        // Refused on a live connection (not lost with it): start a new one, which restores all.
        if (subscriber.status === 'ready') {
          logger.warn({ topic, ...errorInfo(error) }, 'redis subscribe refused; reconnecting the subscriber');
          subscriber.disconnect(true);
        }
      });
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        await release(topic, joined, own);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pingTimer);
      batcher.flush(); // this tick's publishes go out before QUIT
      topics.clear();
      recovery.close();
      health.close();
      await Promise.all([quit(publisher), quit(subscriber)]);
    },

    health: () => health.snapshot(),
    onHealthChange: (listener) => health.onChange(listener),
    onRecovered: (listener) => recovery.onRecovered(listener),
    waitUntilHealthy,

    stats() {
      const { publishes, batches, inFlight } = batcher.stats();
      const { droppedPublishes } = health.snapshot();
      return { publishes, publishBatches: batches, inFlightPublishes: inFlight, droppedPublishes, topics: topics.size };
    },
  };
}
