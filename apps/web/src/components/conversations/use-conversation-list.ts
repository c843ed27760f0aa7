'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../lib/api-types.ts';
import type { FetchPage } from '../../lib/conversation-pages.ts';
import { readWholeList } from '../../lib/list-sync.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';

/** One page of `conversations.list` (PROTOCOL.md §10). */
export function listPageOf(api: ApiClient, signal?: AbortSignal): FetchPage {
  return (limit, before) => api.conversations.list.query({ limit, ...(before ? { before } : {}) }, { signal });
}

/**
 * The conversation list, one query for every reader; live events keep it current in between
 * (useLiveConversations, which also decides when it is read again). It is read a page at a
 * time, and every page shows as it arrives (readWholeList).
 */
export function useConversationList() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.conversations,
    queryFn: ({ signal }) => readWholeList(queryClient, listPageOf(api, signal), signal),
  });
}
