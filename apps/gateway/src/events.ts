import type { ApiEvents } from '@parley/api';
import { CLOSE_CODES, type UserPresence } from '@parley/protocol';
import type { Hub, PresenceTracker } from '@parley/realtime';
import type { Logger } from 'pino';
import type { Db } from '@parley/db';
import { statusesWithLastSeen } from './presence.ts';
import type { PushService } from './push/push-service.ts';

/** Turns API-side changes into hub subscriptions and frames, on every node through the bus. */
export function createApiEvents(deps: { db: Db; hub: Hub; presence: PresenceTracker; logger: Logger; push: PushService }): ApiEvents {
  const { hub } = deps;

  /** New contacts learn each other's status now, not at their next reconnect. */
  async function introduce(memberIds: string[], addedUserIds: string[]): Promise<void> {
    const statuses = new Map<string, UserPresence>(
      (await statusesWithLastSeen(deps.db, deps.presence, memberIds)).map((p) => [p.userId, p]),
    );
    const added = new Set(addedUserIds);
    for (const newcomer of addedUserIds) {
      for (const memberId of memberIds) {
        if (memberId === newcomer) continue;
        const ofMember = statuses.get(memberId);
        if (ofMember) hub.publishToUser(newcomer, { type: 'presence', ...ofMember });
        const ofNewcomer = statuses.get(newcomer);
        // Between two newcomers, each direction is covered by the loop above.
        if (ofNewcomer && !added.has(memberId)) hub.publishToUser(memberId, { type: 'presence', ...ofNewcomer });
      }
    }
  }

  return {
    conversationChanged({ conversationId, memberIds, addedUserIds, removedUserIds, events }) {
      for (const userId of addedUserIds) hub.joinConversation(userId, conversationId);
      // Before the removed leave: "X removed you" reaches them too.
      for (const event of events) hub.publishToConversation(conversationId, { type: 'chat_event', event });
      for (const userId of removedUserIds) hub.leaveConversation(userId, conversationId);
      const added = new Set(addedUserIds);
      hub.publishToUsers(addedUserIds, { type: 'conversation_changed', conversationId, change: 'added' });
      hub.publishToUsers(memberIds.filter((id) => !added.has(id)), { type: 'conversation_changed', conversationId, change: 'updated' });
      hub.publishToUsers(removedUserIds, { type: 'conversation_changed', conversationId, change: 'removed' });
      if (addedUserIds.length > 0) {
        introduce(memberIds, addedUserIds).catch((error: unknown) =>
          deps.logger.error({ err: error, conversationId }, 'presence introduction failed'),
        );
      }
    },
    userUpdated(user, audienceIds) {
      hub.publishToUsers([user.id, ...audienceIds], { type: 'user_updated', user });
    },
    accountDeleted(userId, audienceIds) {
      // Its sockets are closing: offline at once (the tracker's own offline follows after the
      // grace and changes nothing on the clients).
      hub.publishToUsers(audienceIds, { type: 'presence', userId, status: 'offline', lastSeenAt: new Date().toISOString() });
    },
    memberSettingsChanged({ userId, conversationId }) {
      hub.publishToUser(userId, { type: 'conversation_changed', conversationId, change: 'updated' });
    },
    settingsChanged({ userId, dndUntil, pushContent }) {
      hub.publishToUser(userId, { type: 'settings_changed', dndUntil, pushContent });
    },
    pushSubscribed() {
      deps.push.subscribed();
    },
    sessionRevoked(sessionId) {
      hub.closeSession(sessionId, CLOSE_CODES.unauthorized.code, 'signed_out');
      // Its device must stop hearing about this account now, not when the row is purged.
      deps.push.sessionRevoked(sessionId);
    },
  };
}
