import type { ConversationEvent, Message } from '@parley/protocol';

export const CONVERSATION_A = '00000000-0000-4000-8000-00000000c0a1';
export const CONVERSATION_B = '00000000-0000-4000-8000-00000000c0b2';

/** A valid Message for unit tests; ids are derived from seq so equal seqs compare equal. */
export function makeMessage(conversationId: string, seq: number, overrides: Partial<Message> = {}): Message {
  const hex = seq.toString(16).padStart(12, '0');
  return {
    id: `00000000-0000-4000-8000-${hex}`,
    conversationId,
    seq,
    senderId: '00000000-0000-4000-8000-0000000000b0',
    clientId: `client-${seq}-abc`,
    kind: 'text',
    body: `message ${seq}`,
    replyTo: null,
    mentions: [],
    editedAt: null,
    deletedAt: null,
    reactions: [],
    createdAt: new Date(0).toISOString(),
    ...overrides,
  };
}

/** The `message_created` event of makeMessage(conversationId, seq, overrides). */
export function makeCreated(conversationId: string, seq: number, overrides: Partial<Message> = {}): ConversationEvent {
  const message = makeMessage(conversationId, seq, overrides);
  return { kind: 'message_created', conversationId, seq, actorId: message.senderId, createdAt: message.createdAt, message };
}
