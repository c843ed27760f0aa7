'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { Message } from '@parley/protocol';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { applyLiveEvent, applyReadPosition, historyVisibilitySetBy, renamedTo } from '../../lib/conversation-list.ts';
import { withConversation } from '../../lib/conversation-pages.ts';
import { applyRoleChange } from '../../lib/member-permissions.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from './realtime-provider.tsx';

/**
 * Keeps the cached conversation list current from socket events: previews, order and
 * unread counts move locally; a conversation it does not hold is fetched on its own;
 * membership changes and reconnects refetch the list.
 */
export function useLiveConversations(meId: string, activeId: string | undefined, attention: boolean): void {
  const { client } = useRealtime();
  const queryClient = useQueryClient();
  const api = useApi();
  const router = useRouter();
  // Refs so the subscriptions below are made once per client, not on every focus change.
  const reading = useRef<string | undefined>(undefined);
  const active = useRef(activeId);
  useEffect(() => {
    reading.current = attention ? activeId : undefined;
    active.current = activeId;
  }, [attention, activeId]);

  useEffect(() => {
    if (client === null) return;
    const refetchList = () => void queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
    // An event of a conversation the list does not hold (new to us, or on a page not read yet):
    // that one conversation, not the whole list again (a thousand conversations are ~15× the work).
    const learning = new Set<string>();
    const learnConversation = (conversationId: string) => {
      if (learning.has(conversationId)) return;
      learning.add(conversationId);
      api.conversations.get
        .query({ conversationId })
        .then((conversation) =>
          queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) => (list === undefined ? list : withConversation(list, conversation))),
        )
        // Not ours after all, or the network: the whole list settles it.
        .catch(refetchList)
        .finally(() => learning.delete(conversationId));
    };
    // A conversation's title, roles and history policy follow its log, live and in the replay after a reconnect
    // (`conversation_changed`, which refetches, is a live frame that can be lost).
    const foldIntoConversation = (message: Message) => {
      const key = queryKeys.conversation(message.conversationId);
      const held = queryClient.getQueryData<ConversationSummary>(key);
      if (held === undefined) return;
      const title = renamedTo(message);
      const historyVisibility = historyVisibilitySetBy(message);
      const next = applyRoleChange(held, message);
      if (title !== undefined || historyVisibility !== undefined || next !== held) {
        queryClient.setQueryData<ConversationSummary>(key, {
          ...next,
          title: title ?? next.title,
          historyVisibility: historyVisibility ?? next.historyVisibility,
        });
      }
    };
    const offs = [
      client.on('event', (event) => {
        if (event.kind === 'message_created') foldIntoConversation(event.message);
        const list = queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations);
        if (list === undefined) return;
        const result = applyLiveEvent(list, event, { meId, readingConversationId: reading.current });
        queryClient.setQueryData(queryKeys.conversations, result.list);
        if (result.unknownConversation) learnConversation(event.conversationId);
      }),
      client.on('read_state', (event) => {
        if (event.userId !== meId) return;
        queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) =>
          list === undefined ? list : applyReadPosition(list, event.conversationId, event.lastReadSeq),
        );
      }),
      client.on('conversation_changed', (event) => {
        refetchList();
        void queryClient.invalidateQueries({ queryKey: queryKeys.conversation(event.conversationId) });
        if (event.change === 'removed' && active.current === event.conversationId) router.replace('/');
      }),
      // After a reconnect the list may have moved while we were away.
      client.on('ready', refetchList),
    ];
    return () => offs.forEach((off) => off());
  }, [api, client, meId, queryClient, router]);
}
