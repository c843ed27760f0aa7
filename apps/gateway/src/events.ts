import type { ApiEvents } from '@parley/api';
import { CLOSE_CODES } from '@parley/protocol';
import type { Hub } from '@parley/realtime';

/** Turns API-side changes into hub subscriptions and frames, on every node through the bus. */
export function createApiEvents(hub: Hub): ApiEvents {
  return {
    conversationChanged({ conversationId, memberIds, addedUserIds, removedUserIds }) {
      for (const userId of addedUserIds) hub.joinConversation(userId, conversationId);
      for (const userId of removedUserIds) hub.leaveConversation(userId, conversationId);
      const added = new Set(addedUserIds);
      for (const userId of memberIds) {
        hub.publishToUser(userId, { type: 'conversation_changed', conversationId, change: added.has(userId) ? 'added' : 'updated' });
      }
      for (const userId of removedUserIds) {
        hub.publishToUser(userId, { type: 'conversation_changed', conversationId, change: 'removed' });
      }
    },
    sessionRevoked(sessionId) {
      hub.closeSession(sessionId, CLOSE_CODES.unauthorized.code, 'signed_out');
    },
  };
}
