'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { playAlertSound } from '../../lib/alert-sound.ts';
import { alertContent, alertingMessage, type TabState } from '../../lib/notify-decision.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { createTabCoordinator, type TabCoordinator } from '../../lib/tab-coordinator.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useNotificationSettings } from './use-notification-settings.ts';

function tabState(conversationId: string | undefined): TabState {
  const visible = document.visibilityState === 'visible';
  return { visible, focused: visible && document.hasFocus(), conversationId };
}

/**
 * Sound and desktop notification for new messages that call for one (notify-decision.ts), from
 * one tab of this browser only (the leader, tab-coordinator.ts). One notification per
 * conversation: the next replaces it (same tag, renotify), reading the conversation closes it.
 */
export function useAlerts(meId: string, activeId: string | undefined): void {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { client } = useRealtime();
  const { dndUntil } = useNotificationSettings();
  const dnd = useRef(dndUntil);
  const active = useRef(activeId);
  const tabs = useRef<TabCoordinator | null>(null);
  useEffect(() => {
    dnd.current = dndUntil;
  }, [dndUntil]);

  useEffect(() => {
    const coordinator = createTabCoordinator(meId, tabState(active.current));
    tabs.current = coordinator;
    const update = () => coordinator.update(tabState(active.current));
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    document.addEventListener('visibilitychange', update);
    return () => {
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
      document.removeEventListener('visibilitychange', update);
      coordinator.dispose();
      tabs.current = null;
    };
  }, [meId]);

  useEffect(() => {
    active.current = activeId;
    tabs.current?.update(tabState(activeId));
  }, [activeId]);

  useEffect(() => {
    if (client === null) return;
    /** conversationId -> the alert showing for it. */
    const shown = new Map<string, Notification>();
    const summaryOf = async (conversationId: string): Promise<ConversationSummary | undefined> => {
      const list = queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations);
      const held = list?.find((c) => c.id === conversationId) ?? queryClient.getQueryData<ConversationSummary>(queryKeys.conversation(conversationId));
      if (held !== undefined) return held;
      // A conversation new to this tab (the first message of a new direct chat): ask for it.
      return queryClient
        .fetchQuery({ queryKey: queryKeys.conversation(conversationId), queryFn: () => api.conversations.get.query({ conversationId }) })
        .catch(() => undefined);
    };
    const offEvent = client.on('event', (event) => {
      const coordinator = tabs.current;
      if (coordinator === null || !coordinator.isLeader() || event.kind !== 'message_created') return;
      void summaryOf(event.conversationId).then((conversation) => {
        if (conversation === undefined) return;
        const message = alertingMessage(event, {
          meId,
          level: conversation.notifyLevel,
          lastReadSeq: conversation.lastReadSeq,
          dndUntil: dnd.current,
          nowMs: Date.now(),
          tabs: coordinator.states(),
        });
        if (message === null) return;
        playAlertSound();
        if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
        const content = alertContent(message, conversation, meId);
        // `renotify` is not in TypeScript's DOM types yet; Chromium and Firefox honour it.
        const options: NotificationOptions & { renotify: boolean } = { body: content.body, tag: content.tag, renotify: true, icon: '/icon.svg' };
        const notification = new Notification(content.title, options);
        shown.set(message.conversationId, notification); // by conversation: read_state closes it
        notification.onclick = () => {
          window.focus();
          router.push(`/c/${message.conversationId}`);
          notification.close();
        };
      });
    });
    const offRead = client.on('read_state', (frame) => {
      if (frame.userId !== meId) return;
      shown.get(frame.conversationId)?.close();
      shown.delete(frame.conversationId);
    });
    return () => {
      offEvent();
      offRead();
    };
  }, [api, client, meId, queryClient, router]);
}
