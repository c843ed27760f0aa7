'use client';
import { useEffect } from 'react';
import type { Message } from '@parley/protocol';
import { browserStorage } from '../../lib/browser-storage.ts';
import { loadHistory, saveHistory, type HistoryCopy } from '../../lib/offline-copy.ts';
import type { RealtimeClient } from '../../lib/realtime.ts';

/**
 * The offline copy of a conversation's newest messages, if it can stand in for the history
 * page: the SDK must not already have delivered events past it in this tab (those went to an
 * earlier view and would be missing from this one), so resuming from its `throughSeq` is
 * complete.
 */
export function usableHistoryCopy(client: RealtimeClient, meId: string, conversationId: string): HistoryCopy | null {
  const copy = loadHistory(browserStorage(), meId, conversationId);
  if (copy === null) return null;
  const delivered = client.lastSeq(conversationId);
  return delivered !== undefined && delivered > copy.throughSeq ? null : copy;
}

/** Writes the copy whenever the loaded log changes (a few KB; cheap next to a render). */
export function useSaveHistoryCopy(meId: string, conversationId: string, ready: boolean, messages: readonly Message[], foldedSeq: number, hasMore: boolean): void {
  useEffect(() => {
    if (!ready || meId === '') return;
    saveHistory(browserStorage(), meId, conversationId, { messages, throughSeq: foldedSeq, hasMore });
  }, [ready, meId, conversationId, messages, foldedSeq, hasMore]);
}
