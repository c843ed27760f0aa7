export const queryKeys = {
  me: ['me'] as const,
  conversations: ['conversations'] as const,
  conversation: (id: string) => ['conversation', id] as const,
  notificationSettings: ['users.notificationSettings'] as const,
  userSearch: (query: string) => ['users.search', query] as const,
};
