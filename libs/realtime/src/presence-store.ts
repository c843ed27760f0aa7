import type { ConnectionState, PresenceStatus, UserPresence } from '@parley/protocol';

/** How long an offline user's status (and lastSeenAt) is kept once nobody refreshes it. */
export const PRESENCE_STATUS_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface PresenceEntry {
  userId: string;
  connectionId: string;
  state: ConnectionState;
}

export interface PresenceCounts {
  active: number;
  idle: number;
}

/**
 * What one atomic settle of a user decided. `changed` is true for exactly one caller per
 * transition, cluster-wide: the one whose settle wrote the new status.
 */
export interface SettleResult {
  presence: UserPresence;
  changed: boolean;
  /** The user has no connection but the grace has not run out: settle again after this long. */
  recheckInMs: number | null;
}

/**
 * Where connections and published statuses live: in memory (one process) or in Redis (every
 * gateway node). Each user operation reads the user's unexpired connections, derives the
 * status and compares-and-sets the published one in one atomic step, so two nodes cannot
 * both announce, or announce conflicting, transitions. Clocks are the store's (Redis TIME),
 * never the caller's: nodes with skewed clocks agree on expiry.
 *
 * Status rule: `online` if any connection is active, `away` if all are idle, and `offline`
 * once there has been no connection for `graceMs` (lastSeenAt = when the last one left).
 */
export interface PresenceStore {
  /** Adds or refreshes a connection (expires `ttlMs` after this call) and settles its user. */
  upsertConnection(entry: PresenceEntry & { nodeId: string }, options: { ttlMs: number; graceMs: number }): Promise<SettleResult>;
  /** Removes a connection (no-op if unknown) and settles its user. */
  removeConnection(userId: string, connectionId: string, graceMs: number): Promise<SettleResult>;
  /** Drops the user's expired connections and re-derives the status. */
  settle(userId: string, graceMs: number): Promise<SettleResult>;
  /**
   * Heartbeat: pushes the expiry of all of a node's connections `ttlMs` ahead in one round
   * trip. Returns the users for which an entry had to be re-created (it had expired and been
   * swept, e.g. after a long pause): the caller settles them.
   */
  refreshNode(nodeId: string, entries: readonly PresenceEntry[], ttlMs: number): Promise<string[]>;
  /** Unexpired connections of a user (expired ones are not counted, even before a sweep). */
  aggregate(userId: string): Promise<PresenceCounts>;
  /** Last published statuses, in the order asked; unknown users are offline, never seen. */
  getStatuses(userIds: readonly string[]): Promise<UserPresence[]>;
  /**
   * Sweeper: settles, in one atomic step, up to `limit` users with a connection past its
   * expiry or a grace that ran out (as `settle` would, each). Settling takes them off the due
   * list (or puts them back at a later time), so the sweeps of several nodes running at once
   * split the work instead of all settling the same first users.
   */
  sweepDue(limit: number, graceMs: number): Promise<SettleResult[]>;
  close(): Promise<void>;
}

/** Stored status as the store keeps it (times in epoch ms). */
export interface StoredStatus {
  status: PresenceStatus;
  lastSeenAt: number | null;
}

/** The wire shape: lastSeenAt only while offline (UserPresenceSchema). */
export function toUserPresence(userId: string, stored: StoredStatus | undefined): UserPresence {
  if (stored === undefined) return { userId, status: 'offline', lastSeenAt: null };
  const lastSeenAt = stored.status === 'offline' && stored.lastSeenAt !== null ? new Date(stored.lastSeenAt).toISOString() : null;
  return { userId, status: stored.status, lastSeenAt };
}
