'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { NotifyLevel } from '@parley/protocol';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';

const LABELS: Record<NotifyLevel, string> = { all: 'All messages', mentions: 'Mentions only', none: 'Nothing (muted)' };

/**
 * What alerts me in this conversation. Stored on the server for me only; my other tabs and
 * devices follow through `conversation_changed`. Unread counts do not change with it.
 */
export function NotifySetting({ conversationId, level }: { conversationId: string; level: NotifyLevel }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<NotifyLevel | null>(null);
  const [failed, setFailed] = useState(false);
  const shown = pending ?? level;
  const choose = (next: NotifyLevel) => {
    setPending(next);
    setFailed(false);
    api.conversations.setNotifications
      .mutate({ conversationId, level: next })
      .then(async () => {
        const patch = (c: ConversationSummary) => (c.id === conversationId ? { ...c, notifyLevel: next } : c);
        queryClient.setQueryData<ConversationSummary[]>(queryKeys.conversations, (list) => list?.map(patch));
        queryClient.setQueryData<ConversationSummary>(queryKeys.conversation(conversationId), (c) => (c === undefined ? c : patch(c)));
      })
      .catch(() => setFailed(true))
      .finally(() => setPending(null));
  };
  return (
    <label className="notify-setting" title={failed ? 'Could not change notifications. Try again.' : 'Notifications for this conversation'}>
      <span aria-hidden="true" className="notify-setting-icon">{shown === 'none' ? '🔕' : '🔔'}</span>
      <select aria-label="Notifications" value={shown} disabled={pending !== null} onChange={(e) => choose(e.target.value as NotifyLevel)} aria-invalid={failed || undefined}>
        {(Object.keys(LABELS) as NotifyLevel[]).map((value) => (
          <option key={value} value={value}>
            {LABELS[value]}
          </option>
        ))}
      </select>
    </label>
  );
}
