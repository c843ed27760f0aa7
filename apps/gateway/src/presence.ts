import { contactsOfMany, lastSeenOf, touchLastSeen, type Db } from '@parley/db';
import { presenceDeliveries } from './presence-batches.ts';
import type { UserPresence } from '@parley/protocol';
import type { Hub, PresenceTracker } from '@parley/realtime';
import type { Logger } from 'pino';

/** Changes announced by one flush at most: bounds the contacts query and the frames' size. */
const MAX_CHANGES_PER_FLUSH = 1000;

/**
 * Sends each presence transition to everyone who shares a conversation with them (and nobody
 * else). One flush at a time (group commit, as the message writer does): a lone change goes out
 * at once as a `presence` frame; the changes that arrive while a flush queries the database go
 * out together in the next, one `presence_batch` per recipient (presence-batches.ts). A
 * reconnect storm so costs about one frame per socket per flush, not one per change per
 * contact, and one contacts query per flush. Order per user holds: flushes run in order.
 */
export function createPresenceAnnouncer(deps: { db: Db; hub: Hub; logger: Logger }): (presence: UserPresence) => void {
  let pending: UserPresence[] = [];
  let flushing = false;

  async function announce(changes: UserPresence[]): Promise<void> {
    for (const change of changes) if (change.status === 'offline') await touchLastSeen(deps.db, change.userId);
    const contacts = await contactsOfMany(deps.db, changes.map((c) => c.userId));
    for (const { recipients, users } of presenceDeliveries(changes, contacts)) {
      const [only] = users;
      if (users.length === 1 && only) deps.hub.publishToUsers(recipients, { type: 'presence', ...only });
      else deps.hub.publishToUsers(recipients, { type: 'presence_batch', users });
    }
  }

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const changes = pending.slice(0, MAX_CHANGES_PER_FLUSH);
      pending = pending.slice(changes.length);
      try {
        await announce(changes);
      } catch (error) {
        deps.logger.error({ err: error, changes: changes.length }, 'presence announce failed');
      }
    }
  }

  return (presence) => {
    pending.push(presence);
    if (flushing) return;
    flushing = true;
    void flush().finally(() => (flushing = false));
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
