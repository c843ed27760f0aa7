import type { Bus, BusRecovery } from '../bus.ts';

/**
 * Wraps a real Bus and records what crosses it: every published payload and how many live
 * subscriptions each topic has, so tests can assert "subscribed once per node" and
 * "unsubscribed when the last socket left" without reaching into the hub.
 */
export interface SpyBus extends Bus {
  readonly published: Array<{ topic: string; payload: string }>;
  subscriptions(topic: string): number;
  /** Topics with at least one live subscription through this wrapper. */
  liveTopics(): string[];
  /** Makes the next subscribe calls reject, as a broker that is down would. */
  failSubscribe: boolean;
  /**
   * While true, unsubscribes stay in flight (the subscription keeps delivering) until
   * `releaseUnsubscribes`: the window a Redis UNSUBSCRIBE round trip opens.
   */
  holdUnsubscribes: boolean;
  releaseUnsubscribes(): Promise<void>;
  /** While true, subscribes stay unconfirmed until `releaseSubscribes`: a broker slow to answer. */
  holdSubscribes: boolean;
  releaseSubscribes(): Promise<void>;
  /** While true, publishes are recorded but never delivered: a bus that is down. */
  dropPublishes: boolean;
  /** Reports a recovery to onRecovered listeners, as a bus coming back from an outage does. */
  simulateRecovery(recovery: BusRecovery): void;
}

export function createSpyBus(inner: Bus): SpyBus {
  const counts = new Map<string, number>();
  const bump = (topic: string, by: number) => {
    const next = (counts.get(topic) ?? 0) + by;
    if (next === 0) counts.delete(topic);
    else counts.set(topic, next);
  };
  const held: Array<() => void> = [];
  const heldSubscribes: Array<() => void> = [];
  const recoveryListeners = new Set<(recovery: BusRecovery) => void>();
  const spy: SpyBus = {
    published: [],
    failSubscribe: false,
    holdUnsubscribes: false,
    holdSubscribes: false,
    dropPublishes: false,
    simulateRecovery(recovery) {
      for (const listener of [...recoveryListeners]) listener(recovery);
    },
    onRecovered(listener) {
      recoveryListeners.add(listener);
      const off = inner.onRecovered?.(listener);
      return () => {
        recoveryListeners.delete(listener);
        off?.();
      };
    },
    async releaseUnsubscribes() {
      for (const release of held.splice(0)) release();
      await Promise.resolve();
    },
    async releaseSubscribes() {
      for (const release of heldSubscribes.splice(0)) release();
      await Promise.resolve();
    },
    publish(topic, payload) {
      spy.published.push({ topic, payload });
      if (!spy.dropPublishes) inner.publish(topic, payload);
    },
    async subscribe(topic, handler) {
      if (spy.failSubscribe) throw new Error('broker unavailable');
      const off = await inner.subscribe(topic, handler);
      if (spy.holdSubscribes) await new Promise<void>((resolve) => heldSubscribes.push(resolve));
      bump(topic, 1);
      let live = true;
      return async () => {
        if (!live) return;
        live = false;
        if (spy.holdUnsubscribes) await new Promise<void>((resolve) => held.push(resolve));
        bump(topic, -1);
        await off();
      };
    },
    close: () => inner.close(),
    subscriptions: (topic) => counts.get(topic) ?? 0,
    liveTopics: () => [...counts.keys()].sort(),
  };
  return spy;
}
