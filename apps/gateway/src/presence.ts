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
  // A reconnect storm brings thousands of people online at once: their announcements query
  // the database a few at a time, and the sends of live sockets keep connections to use.
  const limit = createLimiter(ANNOUNCE_CONCURRENCY);
  const announce = (presence: UserPresence) =>
    limit(async () => {
      if (presence.status === 'offline') await touchLastSeen(deps.db, presence.userId);
      const frame = { type: 'presence', ...presence } as const;
      deps.hub.publishToUsers(await contactIdsOf(deps.db, presence.userId), frame);
    });
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
 * in-memory one on restart); the database's lastSeenAt fills those gaps (`stored` when the
 * caller has read it already, else one query).
 */
export async function statusesWithLastSeen(
  db: Db,
  presence: PresenceTracker,
  userIds: readonly string[],
  known?: ReadonlyMap<string, string>,
): Promise<UserPresence[]> {
  const statuses = await presence.statuses([...userIds]);
  const missing = statuses.filter((p) => p.status === 'offline' && p.lastSeenAt === null).map((p) => p.userId);
  if (missing.length === 0) return statuses;
  const stored = known ?? (await lastSeenOf(db, missing));
  return statuses.map((p) => (p.status === 'offline' && p.lastSeenAt === null ? { ...p, lastSeenAt: stored.get(p.userId) ?? null } : p));
}

/** Presence announcements querying the database at once, on one node. */
const ANNOUNCE_CONCURRENCY = 2;

/** Runs at most `concurrency` tasks at once, the others in the order they came. */
function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next in line.
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
