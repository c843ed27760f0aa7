'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { keepNewerActivity } from '../../lib/conversation-list.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';

/** The conversation list, one query for every reader; live events keep it current in between. */
export function useConversationList() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.conversations,
    queryFn: async () => keepNewerActivity(await api.conversations.list.query(), queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations)),
  });
}
