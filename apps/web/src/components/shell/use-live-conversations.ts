'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { Message } from '@parley/protocol';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { applyLiveEvent, applyReadPosition, historyVisibilitySetBy, renamedTo } from '../../lib/conversation-list.ts';
import { createListSync } from '../../lib/list-sync.ts';
import { applyRoleChange } from '../../lib/member-permissions.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { listPageOf } from '../conversations/use-conversation-list.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from './realtime-provider.tsx';

/**
 * Keeps the cached conversation list current from socket events: previews, order and
 * unread counts move locally; a conversation it does not hold, or whose membership changed, is
 * fetched on its own; a reconnect reads the list again (list-sync.ts says how much).
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
    const sync = createListSync({
      queryClient,
      fetchPage: listPageOf(api),
      fetchOne: (conversationId) => api.conversations.get.query({ conversationId }),
    });
    // A conversation's title, roles and history policy follow its log, live and in the replay after a reconnect
    // (`conversation_changed`, which reads the conversation again, is a live frame that can be lost).
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
        sync.touched(event.conversationId);
        const held = queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations);
        if (held === undefined) return;
        const result = applyLiveEvent(held, event, { meId, readingConversationId: reading.current });
        queryClient.setQueryData(queryKeys.conversations, result.list);
        // Not in the list (new to us, or on a page not read yet): that one, not the whole list.
        if (result.unknownConversation) sync.learn(event.conversationId);
      }),
      client.on('read_state', (event) => {
        if (event.userId !== meId) return;
        queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) =>
          list === undefined ? list : applyReadPosition(list, event.conversationId, event.lastReadSeq),
        );
      }),
      client.on('conversation_changed', (event) => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.conversation(event.conversationId) });
        if (event.change !== 'removed') return sync.learn(event.conversationId);
        sync.drop(event.conversationId);
        if (active.current === event.conversationId) router.replace('/');
      }),
      // The list may have moved before this socket was subscribed (while away, or while loading).
      client.on('ready', () => sync.ready()),
    ];
    return () => offs.forEach((off) => off());
  }, [api, client, meId, queryClient, router]);
}
