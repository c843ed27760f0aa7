import { contactIdsOf, touchLastSeen, type Db } from '@parley/db';
import type { UserPresence } from '@parley/protocol';
import type { Hub } from '@parley/realtime';
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
    for (const contactId of await contactIdsOf(deps.db, presence.userId)) deps.hub.publishToUser(contactId, frame);
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
