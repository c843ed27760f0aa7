'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConversationTimeline } from '@parley/client';
import type { Message } from '@parley/protocol';
import { describeSendState, type PendingSend } from '../../lib/realtime.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useApi } from '../providers.tsx';

export interface PendingItem extends PendingSend {
  /** When it was written: pending items have no server time yet. */
  since: string;
  body: string;
  /** What to show under the bubble ("Waiting for connection…"), unless it is plainly sending. */
  text: string | undefined;
}

interface PageState {
  hasMore: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  olderFailed: boolean;
}

const INITIAL: PageState = { hasMore: false, status: 'loading', loadingOlder: false, olderFailed: false };

function upsertPending(list: PendingItem[], entry: PendingSend): PendingItem[] {
  const index = list.findIndex((p) => p.clientId === entry.clientId);
  const body = entry.action.type === 'send' ? entry.action.body : '';
  // Plain "Sending…" needs no extra line; waiting, retrying and failed ones say why.
  const text = entry.state === 'sending' && entry.reason === undefined ? undefined : describeSendState(entry);
  const item = { ...entry, body, since: new Date(entry.createdAt).toISOString(), text };
  if (index === -1) return [...list, item];
  return list.map((p, i) => (i === index ? item : p));
}

/**
 * One conversation's messages in their current state: the newest history page folded with the
 * conversation's events from the socket (the SDK resumes from the page's log position), older
 * pages on demand, and this tab's unacknowledged sends.
 */
export function useConversationMessages(conversationId: string) {
  const api = useApi();
  const { client } = useRealtime();
  const [page, setPage] = useState<PageState>(INITIAL);
  const [pending, setPending] = useState<PendingItem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [messages, setMessages] = useState<readonly Message[]>([]);
  // One fold per conversation (and per reload); events and pages change it in place.
  const timeline = useRef<ConversationTimeline | null>(null);
  // Guards against overlapping page loads; state updates are too late for that.
  const loadingOlder = useRef(false);
  const pageRef = useRef(page);
  useEffect(() => {
    pageRef.current = page;
  }, [page]);

  useEffect(() => {
    if (client === null) return;
    let cancelled = false;
    const fold = new ConversationTimeline(conversationId);
    timeline.current = fold;
    setMessages(fold.messages);
    const show = () => setMessages(fold.messages);
    const offEvent = client.on('event', (event) => {
      if (fold.apply(event)) show();
    });
    const offSend = client.on('send_state', (entry) => {
      if (entry.conversationId !== conversationId || entry.action.type !== 'send') return;
      if (entry.state === 'sent' || entry.state === 'cancelled') setPending((list) => list.filter((p) => p.clientId !== entry.clientId));
      else setPending((list) => upsertPending(list, entry));
    });
    setPending(
      client
        .outbox(conversationId)
        .filter((e) => e.action.type === 'send')
        .reduce(upsertPending, []),
    );
    api.messages.history
      .query({ conversationId })
      .then((first) => {
        if (cancelled) return;
        fold.mergeHistory(first);
        show();
        setPage((s) => ({ ...s, status: 'ready', hasMore: first.hasMore }));
        client.track(conversationId, first.throughSeq);
      })
      .catch(() => {
        if (!cancelled) setPage((s) => ({ ...s, status: 'error' }));
      });
    return () => {
      cancelled = true;
      offEvent();
      offSend();
    };
  }, [api, client, conversationId, attempt]);

  const loadOlder = useCallback(async () => {
    const s = pageRef.current;
    const fold = timeline.current;
    const first = fold?.messages[0];
    if (loadingOlder.current || !s.hasMore || s.status !== 'ready' || fold == null || first === undefined) return;
    loadingOlder.current = true;
    setPage((x) => ({ ...x, loadingOlder: true, olderFailed: false }));
    try {
      const older = await api.messages.history.query({ conversationId, beforeSeq: first.seq });
      fold.mergeHistory(older);
      if (timeline.current === fold) setMessages(fold.messages);
      setPage((x) => ({ ...x, loadingOlder: false, hasMore: older.hasMore }));
    } catch {
      setPage((x) => ({ ...x, loadingOlder: false, olderFailed: true }));
    } finally {
      loadingOlder.current = false;
    }
  }, [api, conversationId]);

  const send = useCallback(
    (body: string): void => {
      if (client === null) throw new Error('Not connected yet');
      const entry = client.send(conversationId, body);
      setPending((list) => upsertPending(list, entry));
    },
    [client, conversationId],
  );

  const retry = useCallback((clientId: string) => client?.retry(clientId), [client]);
  const cancel = useCallback((clientId: string) => client?.cancel(clientId), [client]);
  const reload = useCallback(() => {
    setPage(INITIAL);
    setAttempt((n) => n + 1);
  }, []);

  return { ...page, messages, pending, loadOlder, send, retry, cancel, reload };
}
