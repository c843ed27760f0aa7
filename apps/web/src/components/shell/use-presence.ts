'use client';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { UserPresence } from '@parley/protocol';
import { useRealtime } from './realtime-provider.tsx';

const NO_USERS: readonly string[] = [];
const NO_READS: ReadonlyMap<string, number> = new Map();

/**
 * A user's live status, or undefined if the server has told us nothing about them. While shown,
 * the user is watched (the client hears only the presence of people on screen, §5.16).
 */
export function usePresence(userId: string | undefined): UserPresence | undefined {
  const { client, watch } = useRealtime();
  useEffect(() => (watch === null || userId === undefined ? undefined : watch.add(userId)), [watch, userId]);
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (client === null || userId === undefined) return () => undefined;
      return client.on('presence', (presence) => {
        if (presence.userId === userId) onChange();
      });
    },
    [client, userId],
  );
  // The SDK keeps one object per user until it changes, so the snapshot is stable between renders.
  const getSnapshot = () => (userId === undefined ? undefined : client?.presence(userId));
  return useSyncExternalStore(subscribe, getSnapshot, () => undefined);
}

interface Tracked<T> {
  key: string;
  value: T;
}

/** Other people typing in the conversation, oldest first (never ourselves). */
export function useTypingUsers(conversationId: string): readonly string[] {
  const { client } = useRealtime();
  const [state, setState] = useState<Tracked<readonly string[]>>({ key: '', value: NO_USERS });
  useEffect(() => {
    if (client === null) return;
    setState({ key: conversationId, value: client.typingUsers(conversationId) });
    return client.on('typing', (change) => {
      if (change.conversationId === conversationId) setState({ key: conversationId, value: change.userIds });
    });
  }, [client, conversationId]);
  // A value left from the previous conversation is never shown for the new one.
  return state.key === conversationId ? state.value : NO_USERS;
}

/**
 * Every member's read position in the conversation (userId -> lastReadSeq), live. `loaded` are
 * the positions from the conversation summary (HTTP), so receipts survive a reload; the SDK
 * merges them with read_state frames and never moves a position back.
 */
export function useReadStates(conversationId: string, loaded: Readonly<Record<string, number>> | undefined): ReadonlyMap<string, number> {
  const { client } = useRealtime();
  const [state, setState] = useState<Tracked<ReadonlyMap<string, number>>>({ key: '', value: NO_READS });
  useEffect(() => {
    if (client === null) return;
    if (loaded !== undefined) client.seedReadStates(conversationId, loaded);
    setState({ key: conversationId, value: client.readStates(conversationId) });
    return client.on('read_state', (frame) => {
      if (frame.conversationId === conversationId) setState({ key: conversationId, value: client.readStates(conversationId) });
    });
  }, [client, conversationId, loaded]);
  return state.key === conversationId ? state.value : NO_READS;
}
