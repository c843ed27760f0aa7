import type { ChatMessageFrame, ConversationChangedFrame } from '@parley/protocol';

/** A well-formed chat_message frame; ids need not be UUIDs here because the hub never parses frames. */
export function chatMessage(conversationId: string, seq: number, body = `message ${seq}`): ChatMessageFrame {
  return {
    type: 'chat_message',
    message: {
      id: `m-${conversationId}-${seq}`,
      conversationId,
      seq,
      senderId: 'u-sender',
      clientId: `client-${seq}-xyz`,
      kind: 'text',
      body,
      createdAt: '2025-01-01T00:00:00.000Z',
    },
  };
}

export function conversationChanged(conversationId: string): ConversationChangedFrame {
  return { type: 'conversation_changed', conversationId, change: 'added' };
}
