'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Message } from '@parley/protocol';
import { mergeMessages } from '../../lib/merge-messages.ts';
import type { PendingSend } from '../../lib/realtime.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useApi } from '../providers.tsx';

export interface PendingItem extends PendingSend {
  /** When this tab first saw the send: pending items have no server time yet. */
  since: string;
}

interface HistoryState {
  messages: Message[];
  hasMore: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  olderFailed: boolean;
}

const INITIAL: HistoryState = { messages: [], hasMore: false, status: 'loading', loadingOlder: false, olderFailed: false };

function upsertPending(list: PendingItem[], entry: PendingSend): PendingItem[] {
  const index = list.findIndex((p) => p.clientId === entry.clientId);
  if (index === -1) return [...list, { ...entry, since: new Date().toISOString() }];
  return list.map((p, i) => (i === index ? { ...entry, since: p.since } : p));
}

/**
 * One conversation's messages: the newest history page, then live messages from the socket
 * (the SDK resumes from the page's last seq), older pages on demand, and this tab's
 * unacknowledged sends.
 */
export function useConversationMessages(conversationId: string) {
  const api = useApi();
  const { client } = useRealtime();
  const [state, setState] = useState<HistoryState>(INITIAL);
  const [pending, setPending] = useState<PendingItem[]>([]);
  const [attempt, setAttempt] = useState(0);
  // Guards against overlapping page loads; state updates are too late for that.
  const loadingOlder = useRef(false);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  useEffect(() => {
    if (client === null) return;
    let cancelled = false;
    const offMessage = client.on('message', (message) => {
      if (message.conversationId !== conversationId) return;
      setState((s) => ({ ...s, messages: mergeMessages(s.messages, [message]) }));
    });
    const offSend = client.on('send_state', (entry) => {
      if (entry.conversationId !== conversationId) return;
      const acked = entry.message;
      if (entry.state === 'sent' && acked !== undefined) {
        setState((s) => ({ ...s, messages: mergeMessages(s.messages, [acked]) }));
        setPending((list) => list.filter((p) => p.clientId !== entry.clientId));
      } else {
        setPending((list) => upsertPending(list, entry));
      }
    });
    setPending(client.outbox(conversationId).filter((e) => e.state !== 'sent').reduce(upsertPending, []));
    api.messages.history
      .query({ conversationId })
      .then((page) => {
        if (cancelled) return;
        setState((s) => ({ ...s, status: 'ready', hasMore: page.hasMore, messages: mergeMessages(page.messages, s.messages) }));
        client.track(conversationId, page.messages[page.messages.length - 1]?.seq ?? 0);
      })
      .catch(() => {
        if (!cancelled) setState((s) => ({ ...s, status: 'error' }));
      });
    return () => {
      cancelled = true;
      offMessage();
      offSend();
    };
  }, [api, client, conversationId, attempt]);

  const loadOlder = useCallback(async () => {
    const s = stateRef.current;
    const first = s.messages[0];
    if (loadingOlder.current || !s.hasMore || s.status !== 'ready' || first === undefined) return;
    loadingOlder.current = true;
    setState((x) => ({ ...x, loadingOlder: true, olderFailed: false }));
    try {
      const page = await api.messages.history.query({ conversationId, beforeSeq: first.seq });
      setState((x) => ({ ...x, loadingOlder: false, hasMore: page.hasMore, messages: mergeMessages(x.messages, page.messages) }));
    } catch {
      setState((x) => ({ ...x, loadingOlder: false, olderFailed: true }));
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
  const reload = useCallback(() => {
    setState(INITIAL);
    setAttempt((n) => n + 1);
  }, []);

  return { ...state, pending, loadOlder, send, retry, reload };
}
