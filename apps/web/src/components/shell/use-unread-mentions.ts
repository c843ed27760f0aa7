'use client';
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { noteMentionEvent, noteMentionPage, type MentionIndex } from '../../lib/unread-mentions.ts';
import { useConversationList } from '../conversations/use-conversation-list.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from './realtime-provider.tsx';

/** Unread conversations whose newest page is read for mentions after a (re)load; tRPC batches them. */
const MAX_SCANNED_CONVERSATIONS = 20;
/** The newest messages looked at per conversation: older unread mentions are not marked. */
const SCAN_PAGE_SIZE = 100;

/**
 * Which conversations mention the reader in messages they have not read: from live events,
 * and after a load or reconnect from the newest page of each unread conversation (the list API
 * has no mention count; see the web README).
 */
export function useUnreadMentions(meId: string): MentionIndex {
  const api = useApi();
  const { client } = useRealtime();
  const [index, setIndex] = useState<MentionIndex>({});
  // conversationId -> highest seq whose mentions we know (live or scanned); guards re-scans.
  const known = useRef(new Map<string, number>());
  const list = useConversationList();

  useEffect(() => {
    if (client === null) return;
    return client.on('event', (event) => {
      known.current.set(event.conversationId, Math.max(known.current.get(event.conversationId) ?? 0, event.seq));
      setIndex((i) => noteMentionEvent(i, event, meId));
    });
  }, [client, meId]);

  useEffect(() => {
    const stale = (list.data ?? [])
      .filter((c) => c.unreadCount > 0 && c.lastSeq > (known.current.get(c.id) ?? 0))
      .slice(0, MAX_SCANNED_CONVERSATIONS);
    for (const c of stale) {
      known.current.set(c.id, c.lastSeq);
      api.messages.history
        .query({ conversationId: c.id, limit: SCAN_PAGE_SIZE })
        .then((page) => setIndex((i) => noteMentionPage(i, page.messages, meId)))
        .catch(() => known.current.delete(c.id));
    }
  }, [list.data, api, meId]);

  return index;
}

export const UnreadMentionsContext = createContext<MentionIndex>({});

export function useUnreadMentionIndex(): MentionIndex {
  return useContext(UnreadMentionsContext);
}
