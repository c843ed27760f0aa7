'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { rememberSignedInUser } from '../../lib/signed-in-user.ts';
import { listWithUserUpdated, withUserUpdated } from '../../lib/user-updates.ts';
import { useRealtime } from './realtime-provider.tsx';
import type { MeData } from './use-signed-in-user.ts';

/**
 * Applies `user_updated` frames to what is cached: a new display name (or a deleted account's
 * "Deleted user") shows at once in the list, the open conversation and the header, no reload.
 */
export function useLiveUsers(meId: string): void {
  const { client } = useRealtime();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (client === null) return;
    return client.on('user_updated', (user) => {
      if (user.id === meId) {
        queryClient.setQueryData<MeData>(queryKeys.me, (me) => (me ? { ...me, user } : me));
        rememberSignedInUser(browserStorage(), user);
      }
      queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) => (list === undefined ? list : listWithUserUpdated(list, user)));
      for (const [key, summary] of queryClient.getQueriesData<ConversationSummary>({ queryKey: ['conversation'] })) {
        if (summary !== undefined) queryClient.setQueryData(key, withUserUpdated(summary, user));
      }
    });
  }, [client, meId, queryClient]);
}
