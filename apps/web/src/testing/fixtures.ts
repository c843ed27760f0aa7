import type { Message } from '@parley/protocol';
import type { ConversationSummary } from '../lib/api-types.ts';

export const ME = '00000000-0000-4000-8000-000000000001';
export const ANA = '00000000-0000-4000-8000-000000000002';
export const BO = '00000000-0000-4000-8000-000000000003';

export function message(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `10000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    conversationId: 'c1',
    seq,
    senderId: ANA,
    clientId: `client-${seq}-xyz`,
    kind: 'text',
    body: `message ${seq}`,
    replyTo: null,
    mentions: [],
    editedAt: null,
    deletedAt: null,
    reactions: [],
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    ...over,
  };
}

export function conversation(id: string, over: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    kind: 'direct',
    title: null,
    historyVisibility: 'all',
    members: [
      { id: ME, handle: 'me', displayName: 'Me Myself', role: 'member' },
      { id: ANA, handle: 'ana', displayName: 'Ana Lima', role: 'member' },
    ],
    lastSeq: 0,
    lastReadSeq: 0,
    notifyLevel: 'all',
    readStates: {},
    unreadCount: 0,
    unreadMentionCount: 0,
    lastMessage: null,
    lastActivityAt: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}
