import type { BusRecovery } from './bus.ts';
import { errorInfo, type HubLogger } from './logger.ts';

/**
 * Past this many distinct topics, further dropped ones are counted but not remembered: memory
 * stays bounded however long the outage. The hub then resyncs what it remembers, and the
 * sockets of any other conversation heal at their next message or reconnect.
 */
export const MAX_REMEMBERED_DROPPED_TOPICS = 100_000;

/**
 * What an outage may have cost, collected while it lasts and reported once the bus is whole
 * again (both connections up, every subscription confirmed): so a hub can tell its sockets to
 * re-sync right away instead of waiting for the next message to reveal the gap.
 */
export interface RecoveryTracker {
  /** Publishes given up on (or possibly lost in flight). */
  dropped(topics: readonly string[]): void;
  /** The subscriber connection closed after having been live: its subscriptions are gone. */
  subscriptionsLost(): void;
  /** Called on every health change; reports on the way back to healthy. */
  healthChanged(ok: boolean): void;
  onRecovered(listener: (recovery: BusRecovery) => void): () => void;
  close(): void;
}

export function createRecoveryTracker(logger: HubLogger): RecoveryTracker {
  const listeners = new Set<(recovery: BusRecovery) => void>();
  let droppedTopics = new Set<string>();
  let forgotten = 0;
  let lost = false;

  return {
    dropped(topics) {
      for (const topic of topics) {
        if (droppedTopics.size < MAX_REMEMBERED_DROPPED_TOPICS || droppedTopics.has(topic)) droppedTopics.add(topic);
        else forgotten += 1;
      }
    },

    subscriptionsLost() {
      lost = true;
    },

    healthChanged(ok) {
      if (!ok || (!lost && droppedTopics.size === 0)) return;
      const recovery: BusRecovery = { lostSubscriptions: lost, droppedTopics: [...droppedTopics] };
      if (forgotten > 0) logger.warn({ forgotten, remembered: droppedTopics.size }, 'too many topics dropped to remember them all');
      droppedTopics = new Set();
      forgotten = 0;
      lost = false;
      for (const listener of [...listeners]) {
        try {
          listener(recovery);
        } catch (error) {
          logger.error({ ...errorInfo(error) }, 'bus recovery listener threw');
        }
      }
    },

    onRecovered(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    close() {
      listeners.clear();
    },
  };
}
