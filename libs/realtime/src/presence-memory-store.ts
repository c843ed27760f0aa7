import type { ConnectionState, PresenceStatus } from '@parley/protocol';
import {
  PRESENCE_STATUS_RETENTION_MS,
  toUserPresence,
  type PresenceCounts,
  type PresenceStore,
  type SettleResult,
} from './presence-store.ts';

export interface MemoryPresenceStoreOptions {
  /** Epoch ms; Date.now by default (vitest's fake timers move it too). */
  now?: () => number;
  retentionMs?: number;
}

interface Connection {
  state: ConnectionState;
  nodeId: string;
  refreshedAt: number;
  expiresAt: number;
}

interface UserRecord {
  connections: Map<string, Connection>;
  /** Null until a status was first published. */
  status: PresenceStatus | null;
  lastSeenAt: number | null;
  /** Set while the user has no connection and the grace runs. */
  emptySince: number | null;
  /** emptySince + the grace it was settled with: when the sweeper must look again. */
  graceEndsAt: number | null;
}

/**
 * One process' presence: the same semantics as the Redis store (see presence-redis-lua.ts,
 * which mirrors `settleRecord` step by step), atomic because every operation is synchronous.
 */
export function createMemoryPresenceStore(options: MemoryPresenceStoreOptions = {}): PresenceStore {
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? PRESENCE_STATUS_RETENTION_MS;
  const users = new Map<string, UserRecord>();

  function record(userId: string): UserRecord {
    let found = users.get(userId);
    if (found === undefined) {
      found = { connections: new Map(), status: null, lastSeenAt: null, emptySince: null, graceEndsAt: null };
      users.set(userId, found);
    }
    return found;
  }

  /** Drops expired connections; returns the latest moment one of them was known alive. */
  function purge(user: UserRecord, at: number): number | null {
    let lastAlive: number | null = null;
    for (const [id, connection] of user.connections) {
      if (connection.expiresAt > at) continue;
      user.connections.delete(id);
      lastAlive = Math.max(lastAlive ?? 0, connection.refreshedAt);
    }
    return lastAlive;
  }

  function counts(user: UserRecord, at: number): PresenceCounts {
    const result = { active: 0, idle: 0 };
    for (const connection of user.connections.values()) {
      if (connection.expiresAt <= at) continue;
      result[connection.state] += 1;
    }
    return result;
  }

  function settleRecord(userId: string, user: UserRecord, graceMs: number, leftAt: number | null): SettleResult {
    const at = now();
    const purgedAliveAt = purge(user, at);
    const left = leftAt === null ? purgedAliveAt : Math.max(leftAt, purgedAliveAt ?? 0);
    const { active, idle } = counts(user, at);
    const previous = user.status ?? 'offline';
    let next: PresenceStatus = previous;
    let recheckInMs: number | null = null;
    if (active > 0 || idle > 0) {
      next = active > 0 ? 'online' : 'away';
      user.emptySince = null;
    } else if (previous === 'offline') {
      user.emptySince = null;
    } else {
      user.emptySince ??= left ?? at;
      if (at - user.emptySince >= graceMs) {
        next = 'offline';
        user.lastSeenAt = user.emptySince;
        user.emptySince = null;
      } else {
        recheckInMs = user.emptySince + graceMs - at;
      }
    }
    user.graceEndsAt = recheckInMs === null ? null : at + recheckInMs;
    const changed = next !== previous;
    if (user.status !== null || next !== 'offline') user.status = next;
    if (user.status === null && user.connections.size === 0) users.delete(userId);
    return { presence: toUserPresence(userId, statusOf(user)), changed, recheckInMs };
  }

  function statusOf(user: UserRecord | undefined) {
    return user?.status == null ? undefined : { status: user.status, lastSeenAt: user.lastSeenAt };
  }

  /** When the sweeper must look at this user, or null if nothing is pending. */
  function dueAt(user: UserRecord): number | null {
    let due: number | null = null;
    for (const connection of user.connections.values()) due = Math.min(due ?? Infinity, connection.expiresAt);
    return due ?? user.graceEndsAt;
  }

  return {
    async upsertConnection(entry, { ttlMs, graceMs }) {
      const at = now();
      const user = record(entry.userId);
      user.connections.set(entry.connectionId, { state: entry.state, nodeId: entry.nodeId, refreshedAt: at, expiresAt: at + ttlMs });
      return settleRecord(entry.userId, user, graceMs, null);
    },

    async removeConnection(userId, connectionId, graceMs) {
      const user = record(userId);
      const leftAt = user.connections.delete(connectionId) ? now() : null;
      return settleRecord(userId, user, graceMs, leftAt);
    },

    async settle(userId, graceMs) {
      return settleRecord(userId, record(userId), graceMs, null);
    },

    async refreshNode(nodeId, entries, ttlMs) {
      const at = now();
      const recreated: string[] = [];
      for (const { userId, connectionId, state } of entries) {
        const user = record(userId);
        if (!user.connections.has(connectionId)) recreated.push(userId);
        user.connections.set(connectionId, { state, nodeId, refreshedAt: at, expiresAt: at + ttlMs });
      }
      return recreated;
    },

    async aggregate(userId) {
      const user = users.get(userId);
      return user === undefined ? { active: 0, idle: 0 } : counts(user, now());
    },

    async getStatuses(userIds) {
      return userIds.map((userId) => toUserPresence(userId, statusOf(users.get(userId))));
    },

    async sweepDue(limit, graceMs) {
      const at = now();
      const results: SettleResult[] = [];
      for (const [userId, user] of users) {
        if (results.length >= limit) break;
        const when = dueAt(user);
        if (when !== null && when <= at) results.push(settleRecord(userId, user, graceMs, null));
        else if (when === null && user.status === 'offline' && (user.lastSeenAt ?? 0) + retentionMs <= at) {
          users.delete(userId); // bounded memory: forget long-offline users, as Redis' PEXPIRE does
        }
      }
      return results;
    },

    async close() {
      users.clear();
    },
  };
}
