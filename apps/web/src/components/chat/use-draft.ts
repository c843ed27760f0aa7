'use client';
import { useCallback, useEffect, useState } from 'react';
import { browserStorage } from '../../lib/browser-storage.ts';
import { EMPTY_DRAFT, loadDraft, saveDraft, type Draft, type ReplyDraft } from '../../lib/draft-store.ts';

/**
 * The composer's text and reply target for one conversation, kept in localStorage so they
 * survive switching conversations and reloads. The chat view is keyed by conversation, so
 * the initial read happens once per conversation, in the browser only.
 */
export function useDraft(userId: string, conversationId: string) {
  const [draft, setDraft] = useState<Draft>(() => loadDraft(browserStorage(), userId, conversationId));
  useEffect(() => {
    if (userId !== '') saveDraft(browserStorage(), userId, conversationId, draft);
  }, [userId, conversationId, draft]);
  const setBody = useCallback((body: string) => setDraft((d) => ({ ...d, body })), []);
  const setReplyTo = useCallback((replyTo: ReplyDraft | null) => setDraft((d) => ({ ...d, replyTo })), []);
  const clear = useCallback(() => setDraft(EMPTY_DRAFT), []);
  return { draft, setBody, setReplyTo, clear };
}
