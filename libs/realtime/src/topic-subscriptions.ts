import type { Bus } from './bus.ts';
import { errorInfo, type HubLogger } from './logger.ts';

interface Entry {
  /** Settles when the bus subscription is live; resolves to its unsubscribe function. */
  readonly live: Promise<() => Promise<void>>;
}

/**
 * This node's bus subscriptions, at most one per topic. The hub decides when a topic is
 * needed (first local socket) and when it is not (last one gone); this table makes those
 * transitions safe while subscribe/unsubscribe round trips are in flight:
 * - `ensure` on a topic being subscribed shares the pending subscription;
 * - `drop` while pending unsubscribes as soon as the subscription is live;
 * - a handler delivers only while its entry is the current one, so a drop quickly followed by
 *   an ensure never delivers a payload twice through the old and the new subscription.
 */
export interface TopicSubscriptions {
  ensure(topic: string, handler: (payload: string) => void): Promise<void>;
  drop(topic: string): Promise<void>;
  dropAll(): Promise<void>;
  readonly size: number;
}

export function createTopicSubscriptions(bus: Bus, logger: HubLogger): TopicSubscriptions {
  const entries = new Map<string, Entry>();

  async function unsubscribe(topic: string, entry: Entry): Promise<void> {
    let off: () => Promise<void>;
    try {
      off = await entry.live;
    } catch {
      return; // never became live: nothing to undo (the failure was reported to `ensure`)
    }
    try {
      await off();
    } catch (error) {
      logger.error({ topic, ...errorInfo(error) }, 'bus unsubscribe failed');
    }
  }

  return {
    async ensure(topic, handler) {
      const existing = entries.get(topic);
      if (existing !== undefined) {
        await existing.live;
        return;
      }
      const entry: Entry = {
        live: bus.subscribe(topic, (payload) => {
          if (entries.get(topic) === entry) handler(payload);
        }),
      };
      entries.set(topic, entry);
      try {
        await entry.live;
      } catch (error) {
        // Forget the failed entry so the next socket retries instead of awaiting a rejection.
        if (entries.get(topic) === entry) entries.delete(topic);
        throw error;
      }
    },

    async drop(topic) {
      const entry = entries.get(topic);
      if (entry === undefined) return;
      entries.delete(topic);
      await unsubscribe(topic, entry);
    },

    async dropAll() {
      const all = [...entries];
      entries.clear();
      await Promise.all(all.map(([topic, entry]) => unsubscribe(topic, entry)));
    },

    get size() {
      return entries.size;
    },
  };
}
