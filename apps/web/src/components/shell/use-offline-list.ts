'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isNetworkError } from '../../lib/api-errors.ts';
import { browserStorage } from '../../lib/browser-storage.ts';
import { loadConversationList, saveConversationList } from '../../lib/offline-copy.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useConversationList } from '../conversations/use-conversation-list.ts';

/**
 * Keeps an offline copy of the conversation list, and puts it in the query cache when the
 * server cannot be reached and nothing else is there (a reload without a network). The copy
 * is stale by construction (`updatedAt: 0`): the fetch waiting for the network replaces it.
 * Each conversation's summary is seeded too, for the open conversation's header.
 */
export function useOfflineConversationList(meId: string): void {
  const queryClient = useQueryClient();
  const list = useConversationList();
  // From the first failed attempt: retries wait a second or more before they pause or fail.
  const unreachable = list.data === undefined && (list.fetchStatus === 'paused' || (list.failureCount > 0 && isNetworkError(list.failureReason)));

  useEffect(() => {
    if (!unreachable) return;
    const copy = loadConversationList(browserStorage(), meId);
    if (copy === null) return;
    queryClient.setQueryData(queryKeys.conversations, copy, { updatedAt: 0 });
    for (const summary of copy) {
      if (queryClient.getQueryData(queryKeys.conversation(summary.id)) === undefined) {
        queryClient.setQueryData(queryKeys.conversation(summary.id), summary, { updatedAt: 0 });
      }
    }
  }, [unreachable, meId, queryClient]);

  useEffect(() => {
    if (list.data !== undefined) saveConversationList(browserStorage(), meId, list.data);
  }, [list.data, meId]);
}
