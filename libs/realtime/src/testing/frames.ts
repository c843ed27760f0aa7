import type { ChatEventFrame, ConversationChangedFrame } from '@parley/protocol';

/**
 * A well-formed chat_event frame carrying a new text message; ids need not be UUIDs here
 * because the hub never parses frames.
 */
export function chatMessage(conversationId: string, seq: number, body = `message ${seq}`): ChatEventFrame {
  const createdAt = '2025-01-01T00:00:00.000Z';
  return {
    type: 'chat_event',
    event: {
      kind: 'message_created',
      conversationId,
      seq,
      actorId: 'u-sender',
      createdAt,
      message: {
        id: `m-${conversationId}-${seq}`,
        conversationId,
        seq,
        senderId: 'u-sender',
        clientId: `client-${seq}-xyz`,
        kind: 'text',
        body,
        replyTo: null,
        mentions: [],
        editedAt: null,
        deletedAt: null,
        reactions: [],
        createdAt,
      },
    },
  };
}

export function conversationChanged(conversationId: string): ConversationChangedFrame {
  return { type: 'conversation_changed', conversationId, change: 'added' };
}
