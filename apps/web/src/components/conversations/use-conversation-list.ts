'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { addLoaded, loadConversationPages, settleLoaded } from '../../lib/conversation-pages.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';

/**
 * The conversation list, one query for every reader; live events keep it current in between.
 * It is read a page at a time, and every page shows as it arrives: the app opens on the first
 * fifty conversations while the rest load behind them. A refetch (after a reconnect, a
 * membership change) cancels the reading under way and starts again.
 */
export function useConversationList() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.conversations,
    queryFn: async ({ signal }) => {
      const cachedAtStart = queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations);
      const fetched = await loadConversationPages(
        (limit, before) => api.conversations.list.query({ limit, ...(before ? { before } : {}) }, { signal }),
        (soFar) => {
          if (signal.aborted) return;
          queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (cached) => addLoaded(cached, soFar));
        },
      );
      return settleLoaded(queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations), fetched, cachedAtStart);
    },
  });
}
