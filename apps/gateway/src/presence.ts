import { contactsOfMany, lastSeenOf, recordLastSeen, type Db } from '@parley/db';
import { presenceDeliveries } from './presence-batches.ts';
import type { UserPresence } from '@parley/protocol';
import type { Hub, PresenceTracker } from '@parley/realtime';
import type { Logger } from 'pino';

/** Changes announced by one flush at most: bounds the contacts query and the frames' size. */
const MAX_CHANGES_PER_FLUSH = 1000;
/**
 * At most one announcement per this long on a node (PROTOCOL.md §6.9). A lone change after a
 * quiet moment still goes out at once; in a burst (1,000 people of one room connecting) each
 * socket gets a few frames a second instead of one per database round trip: the frames, one
 * write each, were most of the gateway's CPU while a big room connected.
 */
export const PRESENCE_BATCH_INTERVAL_MS = 250;

/**
 * Sends each presence transition to everyone who shares a conversation with them (and nobody
 * else). One flush at a time, at most one per `intervalMs`: a lone change goes out at once as
 * a `presence` frame; the changes that arrive meanwhile go out together in the next flush, one
 * `presence_batch` per recipient (presence-batches.ts). A reconnect storm so costs a few
 * frames per socket per second, not one per change per contact, and one contacts query per
 * flush. Order per user holds: flushes run in order.
 */
export function createPresenceAnnouncer(deps: { db: Db; hub: Hub; logger: Logger; intervalMs?: number }): (presence: UserPresence) => void {
  const intervalMs = deps.intervalMs ?? PRESENCE_BATCH_INTERVAL_MS;
  let pending: UserPresence[] = [];
  let flushing = false;
  let lastFlushAt = Number.NEGATIVE_INFINITY;

  async function announce(changes: UserPresence[]): Promise<void> {
    const offline = changes.filter((c) => c.status === 'offline');
    await recordLastSeen(deps.db, offline.map((c) => ({ userId: c.userId, at: c.lastSeenAt === null ? new Date() : new Date(c.lastSeenAt) })));
    const contacts = await contactsOfMany(deps.db, changes.map((c) => c.userId));
    for (const { recipients, users } of presenceDeliveries(changes, contacts)) {
      const [only] = users;
      if (users.length === 1 && only) deps.hub.publishToUsers(recipients, { type: 'presence', ...only });
      else deps.hub.publishToUsers(recipients, { type: 'presence_batch', users });
    }
  }

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const wait = lastFlushAt + intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastFlushAt = Date.now();
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

/** Statuses of contacts whose stored lastSeenAt was read with them (the hello re-check, a watch). */
export function statusesOfContacts(
  db: Db,
  presence: PresenceTracker,
  contacts: ReadonlyArray<{ userId: string; lastSeenAt: string | null }>,
): Promise<UserPresence[]> {
  const lastSeen = new Map(contacts.flatMap((c) => (c.lastSeenAt === null ? [] : [[c.userId, c.lastSeenAt] as const])));
  return statusesWithLastSeen(db, presence, contacts.map((c) => c.userId), lastSeen);
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
