import type { MessageSearchInput } from '@parley/protocol';

export const queryKeys = {
  me: ['me'] as const,
  conversations: ['conversations'] as const,
  conversation: (id: string) => ['conversation', id] as const,
  sessions: ['account.sessions'] as const,
  notificationSettings: ['users.notificationSettings'] as const,
  /** Whether this browser has a push subscription (not a server query: PushManager). */
  pushState: ['push.state'] as const,
  userSearch: (query: string) => ['users.search', query] as const,
  messageSearch: (input: MessageSearchInput) => ['messages.search', input] as const,
};
