'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Attachment, Message } from '@parley/protocol';
import { isNetworkError } from '../../lib/api-errors.ts';
import type { ReplyDraft } from '../../lib/draft-store.ts';
import { ConversationTimeline, describeSendState, type PendingSend } from '../../lib/realtime.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useApi } from '../providers.tsx';
import { usableHistoryCopy, useSaveHistoryCopy } from './use-history-copy.ts';

export interface PendingItem {
  clientId: string;
  state: PendingSend['state'];
  /** When it was written: pending items have no server time yet. */
  since: string;
  body: string;
  /** What to show under the bubble ("Waiting for connection…"), unless it is plainly sending. */
  text: string | undefined;
  /** The message it answers, as the composer showed it (unknown for sends restored from the outbox). */
  replyTo?: ReplyDraft | undefined;
  /** On the wire now: the server may be committing it, so it cannot be cancelled. */
  inFlight: boolean;
  /** Files already uploaded, going with it. */
  attachments?: readonly Attachment[] | undefined;
  /**
   * It went on the wire at least once (since this page loaded): the server may have committed
   * it even if the answer was lost, so cancelling cannot promise it never arrives.
   */
  onWireBefore: boolean;
}

interface PageState {
  hasMore: boolean;
  /**
   * The log was opened at a message (a search hit) and newer messages exist below what is
   * loaded: they load page by page as the reader scrolls down, and live messages wait until
   * the loaded part reaches the newest one.
   */
  hasNewer: boolean;
  loadingNewer: boolean;
  /**
   * `offline`: the server could not be reached and no offline copy fits; only this tab's
   * unsent messages show, and the history loads once the socket is back.
   */
  status: 'loading' | 'ready' | 'error' | 'offline';
  loadingOlder: boolean;
  olderFailed: boolean;
}

const INITIAL: PageState = { hasMore: false, hasNewer: false, loadingNewer: false, status: 'loading', loadingOlder: false, olderFailed: false };

function upsertPending(list: PendingItem[], entry: PendingSend, replyTo?: ReplyDraft): PendingItem[] {
  if (entry.action.type !== 'send') return list;
  const index = list.findIndex((p) => p.clientId === entry.clientId);
  // Plain "Sending…" needs no extra line; waiting, retrying and failed ones say why.
  const text = entry.state === 'sending' && entry.reason === undefined ? undefined : describeSendState(entry);
  const next = {
    clientId: entry.clientId,
    state: entry.state,
    text,
    body: entry.action.body,
    attachments: entry.action.attachments,
    since: new Date(entry.createdAt).toISOString(),
    inFlight: entry.inFlight,
    onWireBefore: entry.wasSent,
  };
  if (index === -1) return [...list, { ...next, replyTo }];
  return list.map((p, i) => (i === index ? { ...p, ...next } : p));
}

/**
 * One conversation's messages in their current state: the newest history page folded with the
 * conversation's events from the socket (the SDK resumes from the page's log position), older
 * pages on demand, and this tab's unacknowledged sends. `foldedSeq` is how far the log is
 * folded, so optimistic actions know when their event has landed. Without a server, the
 * offline copy of the newest messages stands in for the page (the SDK resumes from it).
 */
export function useConversationMessages(conversationId: string, meId: string, aroundSeq?: number) {
  const api = useApi();
  const { client } = useRealtime();
  const [page, setPage] = useState<PageState>(INITIAL);
  const [pending, setPending] = useState<PendingItem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [foldedSeq, setFoldedSeq] = useState(0);
  // One fold per conversation (and per reload); events and pages change it in place.
  const timeline = useRef<ConversationTimeline | null>(null);
  // Refs, not state: a jump loads page after page in one async loop and must see each result.
  const hasMore = useRef(false);
  const ready = useRef(false);
  const olderLoad = useRef<Promise<boolean> | null>(null);
  const newerLoad = useRef<Promise<boolean> | null>(null);
  // While the loaded window does not reach the newest message: the last seq loaded by a page.
  // Messages past it (live ones) are folded but not shown, so no gap is ever on screen.
  const windowEnd = useRef<number | null>(null);

  useEffect(() => {
    if (client === null) return;
    let cancelled = false;
    const fold = new ConversationTimeline(conversationId);
    timeline.current = fold;
    ready.current = false;
    windowEnd.current = null;
    const show = () => {
      const end = windowEnd.current;
      setMessages(end === null ? fold.messages : fold.messages.filter((m) => m.seq <= end));
    };
    show();
    setFoldedSeq(0);
    const offEvent = client.on('event', (event) => {
      if (event.conversationId !== conversationId) return;
      if (fold.apply(event)) show();
      setFoldedSeq((s) => Math.max(s, event.seq));
    });
    const offSend = client.on('send_state', (entry) => {
      if (entry.conversationId !== conversationId || entry.action.type !== 'send') return;
      if (entry.state === 'sent' || entry.state === 'cancelled') setPending((list) => list.filter((p) => p.clientId !== entry.clientId));
      else setPending((list) => upsertPending(list, entry));
    });
    setPending(
      client
        .outbox(conversationId)
        .filter((e) => e.state !== 'sent' && e.state !== 'cancelled')
        .reduce<PendingItem[]>((list, e) => upsertPending(list, e), []),
    );
    const showPage = (first: { messages: readonly Message[]; hasMore: boolean; hasNewer?: boolean; throughSeq: number }) => {
      const hasNewer = first.hasNewer === true;
      windowEnd.current = hasNewer ? (first.messages.at(-1)?.seq ?? 0) : null;
      fold.mergeHistory(first);
      show();
      hasMore.current = first.hasMore;
      ready.current = true;
      setFoldedSeq((s) => Math.max(s, first.throughSeq));
      setPage((s) => ({ ...s, status: 'ready', hasMore: first.hasMore, hasNewer }));
      client.track(conversationId, first.throughSeq);
    };
    api.messages.history
      .query(aroundSeq === undefined ? { conversationId } : { conversationId, aroundSeq })
      .then((first) => {
        if (!cancelled) showPage(first);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const copy = isNetworkError(error) ? usableHistoryCopy(client, meId, conversationId) : null;
        if (copy !== null) return showPage(copy);
        // 'offline' waits for the socket's next hello_ok; with the socket up, that never comes.
        const offline = isNetworkError(error) && client.status !== 'open';
        setPage((s) => ({ ...s, status: offline ? 'offline' : 'error' }));
      });
    return () => {
      cancelled = true;
      offEvent();
      offSend();
    };
  }, [api, client, conversationId, meId, attempt, aroundSeq]);

  // Nothing to show but the unsent messages: load the history once the socket is back.
  const offline = page.status === 'offline';
  useEffect(() => {
    if (client === null || !offline) return;
    return client.on('ready', () => {
      setPage(INITIAL);
      setAttempt((n) => n + 1);
    });
  }, [client, offline]);

  // A window opened at an older message is not "the newest messages": never kept as the offline copy.
  useSaveHistoryCopy(meId, conversationId, page.status === 'ready' && !page.hasNewer, messages, foldedSeq, page.hasMore);

  /** Loads the page before the oldest message held; resolves false on failure. Never overlaps. */
  const loadOlder = useCallback((): Promise<boolean> => {
    const fold = timeline.current;
    const first = fold?.messages[0];
    if (olderLoad.current !== null) return olderLoad.current;
    if (!hasMore.current || !ready.current || fold == null || first === undefined) return Promise.resolve(false);
    setPage((x) => ({ ...x, loadingOlder: true, olderFailed: false }));
    const load = api.messages.history
      .query({ conversationId, beforeSeq: first.seq })
      .then((older) => {
        fold.mergeHistory(older);
        hasMore.current = older.hasMore;
        const end = windowEnd.current;
        if (timeline.current === fold) setMessages(end === null ? fold.messages : fold.messages.filter((m) => m.seq <= end));
        setPage((x) => ({ ...x, loadingOlder: false, hasMore: older.hasMore }));
        return true;
      })
      .catch(() => {
        setPage((x) => ({ ...x, loadingOlder: false, olderFailed: true }));
        return false;
      })
      .finally(() => {
        olderLoad.current = null;
      });
    olderLoad.current = load;
    return load;
  }, [api, conversationId]);

  /** Loads the page after the newest message loaded, when the window does not reach the newest yet. */
  const loadNewer = useCallback((): Promise<boolean> => {
    const fold = timeline.current;
    const end = windowEnd.current;
    if (newerLoad.current !== null) return newerLoad.current;
    if (end === null || !ready.current || fold === null) return Promise.resolve(false);
    setPage((x) => ({ ...x, loadingNewer: true }));
    const load = api.messages.history
      .query({ conversationId, afterSeq: end })
      .then((newer) => {
        if (timeline.current !== fold) return false;
        fold.mergeHistory(newer);
        windowEnd.current = newer.hasNewer ? (newer.messages.at(-1)?.seq ?? end) : null;
        const shownEnd = windowEnd.current;
        setMessages(shownEnd === null ? fold.messages : fold.messages.filter((m) => m.seq <= shownEnd));
        setPage((x) => ({ ...x, loadingNewer: false, hasNewer: newer.hasNewer }));
        return true;
      })
      .catch(() => {
        setPage((x) => ({ ...x, loadingNewer: false }));
        return false;
      })
      .finally(() => {
        newerLoad.current = null;
      });
    newerLoad.current = load;
    return load;
  }, [api, conversationId]);

  /** Loads older pages until the message at `seq` is held (a reply's parent); false if it never comes. */
  const loadUntil = useCallback(
    async (seq: number): Promise<boolean> => {
      for (;;) {
        const fold = timeline.current;
        if (fold === null) return false;
        if (fold.get(seq) !== undefined) return true;
        if (!hasMore.current) return false;
        if (!(await loadOlder())) return false;
      }
    },
    [loadOlder],
  );

  const send = useCallback(
    (body: string, replyTo?: ReplyDraft, attachments: Attachment[] = []): void => {
      if (client === null) throw new Error('Not connected yet');
      const entry = client.send(conversationId, body, {
        ...(replyTo ? { replyTo: replyTo.messageId } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      });
      setPending((list) => upsertPending(list, entry, replyTo));
    },
    [client, conversationId],
  );

  const retry = useCallback((clientId: string) => client?.retry(clientId), [client]);
  const cancel = useCallback((clientId: string) => client?.cancel(clientId), [client]);
  const reload = useCallback(() => {
    setPage(INITIAL);
    setAttempt((n) => n + 1);
  }, []);

  return { ...page, messages, foldedSeq, pending, loadOlder, loadNewer, loadUntil, send, retry, cancel, reload };
}
