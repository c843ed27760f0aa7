import { createConsoleLogger, errorInfo, type HubLogger } from './logger.ts';
import { SetIndex } from './registry.ts';

/**
 * A publish/subscribe transport between gateway nodes, shaped like Redis pub/sub so a Redis
 * implementation can drop in:
 * - topics and payloads are strings (what crosses a network);
 * - `subscribe` resolves once the subscription is live (Redis confirms SUBSCRIBE
 *   asynchronously); messages published before that may be missed;
 * - delivery is at-most-once and asynchronous: a payload reaches the handlers that were
 *   subscribed when it was published, in publish order per topic, or is lost (node down,
 *   reconnect). Callers never rely on the bus for durability: clients fill gaps from
 *   Postgres by `seq`.
 */
export interface Bus {
  publish(topic: string, payload: string): void;
  /** Resolves once live; the returned function unsubscribes (idempotent). */
  subscribe(topic: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /** Drops every subscription; later publishes are ignored, later subscribes reject. */
  close(): Promise<void>;
  /**
   * Implemented by buses that lose messages in an outage (Redis): called once the bus is whole
   * again, every subscription live, with what the outage may have cost. Returns the unsubscribe.
   */
  onRecovered?(listener: (recovery: BusRecovery) => void): () => void;
}

/** What a bus outage may have lost, reported when it is over. */
export interface BusRecovery {
  /** Subscriptions were lost and are live again: anything published meanwhile never arrived here. */
  lostSubscriptions: boolean;
  /** Topics with publishes from this node that may not have reached the other nodes. */
  droppedTopics: readonly string[];
}

export interface InProcessBusOptions {
  /** Where a throwing handler is reported; the other handlers still run. */
  logger?: HubLogger;
}

type Handler = (payload: string) => void;

/**
 * One process, one bus: the default when no REDIS_URL is set. Delivery goes through
 * `queueMicrotask`, so, as with a real broker, `publish` never runs handlers re-entrantly,
 * and microtasks run in FIFO order, which keeps each topic in publish order.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  const logger = options.logger ?? createConsoleLogger();
  // One handler per topic per hub in practice: SetIndex keeps that in a one-element array.
  const topics = new SetIndex<Handler>();
  let closed = false;

  function deliver(topic: string, handlers: Handler[], payload: string): void {
    for (const handler of handlers) {
      // Unsubscribed between publish and delivery: drop, as a broker would after UNSUBSCRIBE.
      if (!topics.includes(topic, handler)) continue;
      try {
        handler(payload);
      } catch (error) {
        logger.error({ topic, ...errorInfo(error) }, 'bus handler threw');
      }
    }
  }

  return {
    publish(topic, payload) {
      if (closed) return;
      if (!topics.has(topic)) return;
      // Snapshot now: a subscriber that arrives after this publish must not receive it.
      const snapshot = topics.list(topic);
      queueMicrotask(() => deliver(topic, snapshot, payload));
    },

    async subscribe(topic, handler) {
      if (closed) throw new Error('bus is closed');
      // Wrapped so the same function subscribed twice is two subscriptions, as in Redis clients.
      const own: Handler = (payload) => handler(payload);
      topics.add(topic, own);
      await Promise.resolve(); // the "ack" arrives asynchronously, like Redis' reply
      return async () => {
        topics.remove(topic, own);
      };
    },

    async close() {
      closed = true;
      topics.clear();
    },
  };
}
