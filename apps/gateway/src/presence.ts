import { contactIdsOf, lastSeenOf, touchLastSeen, type Db } from '@parley/db';
import type { UserPresence } from '@parley/protocol';
import type { Hub, PresenceTracker } from '@parley/realtime';
import type { Logger } from 'pino';

/**
 * Sends a user's presence transition to everyone who shares a conversation with them (and
 * nobody else). Transitions of one user are announced in the order they happened, even though
 * each needs a database round trip.
 */
export function createPresenceAnnouncer(deps: { db: Db; hub: Hub; logger: Logger }): (presence: UserPresence) => void {
  const queues = new Map<string, Promise<void>>();
  const announce = async (presence: UserPresence) => {
    if (presence.status === 'offline') await touchLastSeen(deps.db, presence.userId);
    const frame = { type: 'presence', ...presence } as const;
    deps.hub.publishToUsers(await contactIdsOf(deps.db, presence.userId), frame);
  };
  return (presence) => {
    const previous = queues.get(presence.userId) ?? Promise.resolve();
    const next = previous
      .then(() => announce(presence))
      .catch((error: unknown) => deps.logger.error({ err: error, userId: presence.userId }, 'presence announce failed'))
      .finally(() => {
        if (queues.get(presence.userId) === next) queues.delete(presence.userId);
      });
    queues.set(presence.userId, next);
  };
}

/**
 * Statuses for a snapshot. The presence store forgets offline users after a while (and an
 * in-memory one on restart); the database's lastSeenAt fills those gaps.
 */
export async function statusesWithLastSeen(db: Db, presence: PresenceTracker, userIds: readonly string[]): Promise<UserPresence[]> {
  const statuses = await presence.statuses([...userIds]);
  const missing = statuses.filter((p) => p.status === 'offline' && p.lastSeenAt === null).map((p) => p.userId);
  if (missing.length === 0) return statuses;
  const stored = await lastSeenOf(db, missing);
  return statuses.map((p) => (p.status === 'offline' && p.lastSeenAt === null ? { ...p, lastSeenAt: stored.get(p.userId) ?? null } : p));
}
