'use client';
import { useCallback, useEffect, useState } from 'react';
import { settledActions, type PendingAction } from '../../lib/pending-actions.ts';
import { describeSendState, type PendingSend } from '../../lib/realtime.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';

export interface ActionFailure {
  clientId: string;
  text: string;
}

function failureText(action: PendingAction['action'], reason: string | undefined): string {
  const what =
    action.type === 'react'
      ? action.action === 'add'
        ? `Couldn’t add your ${action.emoji} reaction`
        : `Couldn’t remove your ${action.emoji} reaction`
      : action.type === 'edit'
        ? 'Couldn’t save your edit'
        : 'Couldn’t delete the message';
  return reason ? `${what}: ${reason}` : `${what}.`;
}

function toPending(entry: PendingSend): PendingAction | null {
  if (entry.action.type === 'send') return null;
  return { clientId: entry.clientId, action: entry.action, state: entry.state, ...(entry.event ? { eventSeq: entry.event.seq } : {}) };
}

function upsert(list: readonly PendingAction[], action: PendingAction): PendingAction[] {
  const index = list.findIndex((a) => a.clientId === action.clientId);
  return index === -1 ? [...list, action] : list.map((a, i) => (i === index ? action : a));
}

/**
 * Our edits, deletions and reactions in one conversation, from the moment they are made until
 * the log shows them (then the overlay is dropped) or they fail (then the log's state shows
 * again, a notice says why, and the entry leaves the outbox).
 */
export function usePendingActions(conversationId: string, foldedSeq: number) {
  const { client } = useRealtime();
  const [actions, setActions] = useState<PendingAction[]>([]);
  const [failures, setFailures] = useState<ActionFailure[]>([]);

  useEffect(() => {
    if (client === null) return;
    const own = (entry: PendingSend) => entry.conversationId === conversationId && entry.action.type !== 'send';
    setActions(client.outbox(conversationId).flatMap((e) => toPending(e) ?? []));
    return client.on('send_state', (entry) => {
      if (!own(entry)) return;
      const action = toPending(entry);
      if (action === null) return;
      // Failed, cancelled, or acked as already in effect: the log's state is the truth again.
      const done = action.state === 'failed' || action.state === 'cancelled' || (action.state === 'sent' && action.eventSeq === undefined);
      setActions((list) => (done ? list.filter((a) => a.clientId !== action.clientId) : upsert(list, action)));
      if (entry.state === 'failed') {
        setFailures((list) => [...list, { clientId: entry.clientId, text: failureText(action.action, describeSendState(entry)) }]);
        client.cancel(entry.clientId);
      }
    });
  }, [client, conversationId]);

  // Forget what the log now shows; keeps the list (and the overlay's work) short.
  useEffect(() => {
    setActions((list) => {
      const kept = settledActions(list, foldedSeq);
      return kept.length === list.length ? list : kept;
    });
  }, [foldedSeq]);

  const track = useCallback((entry: PendingSend) => {
    const action = toPending(entry);
    if (action !== null) setActions((list) => upsert(list, action));
  }, []);

  const edit = useCallback(
    (messageId: string, body: string) => {
      if (client === null) throw new Error('Not connected yet');
      track(client.edit(conversationId, messageId, body));
    },
    [client, conversationId, track],
  );
  const remove = useCallback(
    (messageId: string) => {
      if (client === null) throw new Error('Not connected yet');
      track(client.delete(conversationId, messageId));
    },
    [client, conversationId, track],
  );
  const react = useCallback(
    (messageId: string, emoji: string, action: 'add' | 'remove') => {
      if (client === null) throw new Error('Not connected yet');
      track(client.react(conversationId, messageId, emoji, action));
    },
    [client, conversationId, track],
  );
  const dismiss = useCallback((clientId: string) => setFailures((list) => list.filter((f) => f.clientId !== clientId)), []);

  return { actions, failures, edit, remove, react, dismiss };
}
