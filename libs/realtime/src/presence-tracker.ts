import { PRESENCE_GRACE_MS, type ConnectionState, type UserPresence } from '@parley/protocol';
import { createConsoleLogger, errorInfo, type HubLogger } from './logger.ts';
import type { PresenceEntry, PresenceStore, SettleResult } from './presence-store.ts';
import { SetIndex } from './registry.ts';

/** A connection not refreshed for this long counts as gone (its node crashed). */
export const DEFAULT_PRESENCE_TTL_MS = 15_000;
export const DEFAULT_PRESENCE_HEARTBEAT_MS = 5_000;
/** How often each node looks for users with expired connections or an elapsed grace. */
export const DEFAULT_PRESENCE_SWEEP_MS = 2_000;
export const DEFAULT_PRESENCE_SWEEP_BATCH = 500;

/** Injectable so unit tests drive time themselves. */
export interface PresenceTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface PresenceTrackerOptions {
  store: PresenceStore;
  /** Unique per gateway process; recorded with each connection (debugging). */
  nodeId: string;
  graceMs?: number;
  ttlMs?: number;
  heartbeatMs?: number;
  sweepMs?: number;
  sweepBatch?: number;
  /** Called once per real status transition, cluster-wide (only on the node that made it). */
  onChange(presence: UserPresence): void;
  logger?: HubLogger;
  timers?: PresenceTimers;
}

export interface PresenceTracker {
  connect(userId: string, connectionId: string, state?: ConnectionState): Promise<void>;
  /** Unknown connection ids are ignored. */
  setState(connectionId: string, state: ConnectionState): Promise<void>;
  /**
   * Idempotent. `immediate`: the socket closed because its session ended (signed out,
   * revoked, expired): no grace to wait for a reload, so if it was the user's last
   * connection anywhere they go offline now.
   */
  disconnect(connectionId: string, options?: { immediate?: boolean }): Promise<void>;
  statuses(userIds: readonly string[]): Promise<UserPresence[]>;
  /** One heartbeat now (the interval calls it too). */
  heartbeat(): Promise<void>;
  /**
   * One sweep now (the interval calls it too): settles due users a batch at a time (one
   * store round trip each) until none is left, so a crashed node's users are settled at the
   * store's speed, split between every node sweeping. Resolves to how many it settled.
   */
  sweep(): Promise<number>;
  /** Removes this node's connections and stops its timers; the store stays open (caller's). */
  close(): Promise<void>;
}

const realTimers: PresenceTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/**
 * This node's side of presence. Store failures (Redis down) are logged, never thrown at the
 * socket: a missed upsert is re-created by the next heartbeat, a missed remove expires by TTL.
 */
export function createPresenceTracker(options: PresenceTrackerOptions): PresenceTracker {
  const { store, nodeId, onChange } = options;
  const graceMs = options.graceMs ?? PRESENCE_GRACE_MS;
  const ttlMs = options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_PRESENCE_HEARTBEAT_MS;
  const sweepMs = options.sweepMs ?? DEFAULT_PRESENCE_SWEEP_MS;
  const sweepBatch = options.sweepBatch ?? DEFAULT_PRESENCE_SWEEP_BATCH;
  const logger = options.logger ?? createConsoleLogger();
  const timers = options.timers ?? realTimers;
  if (heartbeatMs * 2 > ttlMs) throw new Error(`presence ttlMs (${ttlMs}) must be at least twice heartbeatMs (${heartbeatMs})`);

  const connections = new Map<string, PresenceEntry>();
  const byUser = new SetIndex<string>();
  const graceTimers = new Map<string, unknown>();
  let closed = false;
  let heartbeating = false;
  let sweeping = false;

  function announce(result: SettleResult): void {
    if (!result.changed) return;
    try {
      onChange(result.presence);
    } catch (error) {
      logger.error({ userId: result.presence.userId, ...errorInfo(error) }, 'presence onChange threw');
    }
  }

  function cancelGrace(userId: string): void {
    const handle = graceTimers.get(userId);
    if (handle === undefined) return;
    timers.clearTimeout(handle);
    graceTimers.delete(userId);
  }

  /** Settles the user when the grace ends: the precise path; other nodes' sweeps are the fallback. */
  function scheduleGrace(userId: string, inMs: number): void {
    cancelGrace(userId);
    if (closed) return;
    graceTimers.set(
      userId,
      timers.setTimeout(() => {
        graceTimers.delete(userId);
        void settle(userId, 'grace');
      }, inMs),
    );
  }

  async function guarded(what: string, userId: string, op: () => Promise<SettleResult>): Promise<SettleResult | undefined> {
    try {
      const result = await op();
      announce(result);
      return result;
    } catch (error) {
      logger.warn({ userId, nodeId, op: what, ...errorInfo(error) }, 'presence store operation failed');
      return undefined;
    }
  }

  async function settle(userId: string, why: string): Promise<void> {
    const result = await guarded(why, userId, () => store.settle(userId, graceMs));
    // A grace that has not run out yet (e.g. the sweep raced the timer): look again then.
    if (result?.recheckInMs != null && why === 'grace') scheduleGrace(userId, result.recheckInMs);
  }

  async function upsert(entry: PresenceEntry): Promise<void> {
    cancelGrace(entry.userId);
    await guarded('upsert', entry.userId, () => store.upsertConnection({ ...entry, nodeId }, { ttlMs, graceMs }));
  }

  const heartbeatTimer = timers.setInterval(() => void tracker.heartbeat(), heartbeatMs);
  const sweepTimer = timers.setInterval(() => void tracker.sweep(), sweepMs);

  const tracker: PresenceTracker = {
    async connect(userId, connectionId, state = 'active') {
      if (closed) throw new Error('presence tracker is closed');
      if (connections.has(connectionId)) throw new Error(`connection ${connectionId} is already tracked`);
      const entry = { userId, connectionId, state };
      connections.set(connectionId, entry);
      byUser.add(userId, connectionId);
      await upsert(entry);
    },

    async setState(connectionId, state) {
      const entry = connections.get(connectionId);
      if (entry === undefined || entry.state === state) return;
      entry.state = state;
      await upsert(entry);
    },

    async disconnect(connectionId, options = {}) {
      const entry = connections.get(connectionId);
      if (entry === undefined) return;
      connections.delete(connectionId);
      byUser.remove(entry.userId, connectionId);
      const grace = options.immediate ? 0 : graceMs;
      const result = await guarded('remove', entry.userId, () => store.removeConnection(entry.userId, connectionId, grace));
      // Checked after the await: a reconnect meanwhile means there is no grace to wait for.
      if (result?.recheckInMs != null && byUser.list(entry.userId).length === 0) {
        scheduleGrace(entry.userId, result.recheckInMs);
      }
    },

    statuses(userIds) {
      return store.getStatuses(userIds);
    },

    async heartbeat() {
      if (closed || heartbeating || connections.size === 0) return;
      heartbeating = true;
      try {
        const recreated = await store.refreshNode(nodeId, [...connections.values()], ttlMs);
        // Their entries had expired and been swept (long pause, Redis outage): settle back.
        await Promise.all(recreated.map((userId) => settle(userId, 'recreated')));
      } catch (error) {
        logger.warn({ nodeId, connections: connections.size, ...errorInfo(error) }, 'presence heartbeat failed');
      } finally {
        heartbeating = false;
      }
    },

    async sweep() {
      if (closed || sweeping) return 0;
      sweeping = true;
      let settled = 0;
      try {
        // A full batch means more may be due (a crashed node's thousands of users): go on at
        // once rather than one batch per interval.
        for (;;) {
          const results = await store.sweepDue(sweepBatch, graceMs);
          for (const result of results) announce(result);
          settled += results.length;
          if (results.length < sweepBatch || closed) break;
        }
      } catch (error) {
        logger.warn({ nodeId, settled, ...errorInfo(error) }, 'presence sweep failed');
      } finally {
        sweeping = false;
      }
      return settled;
    },

    async close() {
      if (closed) return;
      closed = true;
      timers.clearInterval(heartbeatTimer);
      timers.clearInterval(sweepTimer);
      for (const handle of graceTimers.values()) timers.clearTimeout(handle);
      graceTimers.clear();
      const leaving = [...connections.values()];
      connections.clear();
      byUser.clear();
      // Users still connected elsewhere stay as they are; users only here start their grace,
      // and a surviving node's sweep announces them offline when it ends.
      await Promise.all(
        leaving.map((entry) => guarded('remove', entry.userId, () => store.removeConnection(entry.userId, entry.connectionId, graceMs))),
      );
    },
  };
  return tracker;
}
