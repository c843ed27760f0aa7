'use client';
import { createContext, useContext } from 'react';
import type { PublicUser } from '@parley/protocol';
import type { NameOf } from '../../../lib/system-text.ts';

/**
 * What a message in the log can do, provided once by the chat view so the log, its groups and
 * each message do not pass a dozen callbacks down by hand.
 */
export interface ChatActions {
  meId: string;
  nameOf: NameOf;
  /** The conversation's members: `@handle`s of these render as names. */
  members: readonly PublicUser[];
  editingId: string | null;
  /** A jump target, highlighted briefly. */
  highlightedSeq: number | null;
  /** The message whose menu or picker is open: its toolbar stays visible. */
  activeMessageId: string | null;
  startEdit(messageId: string): void;
  cancelEdit(): void;
  saveEdit(messageId: string, body: string): void;
  reply(messageId: string): void;
  toggleReaction(messageId: string, emoji: string): void;
  openMenu(messageId: string, anchor: HTMLElement): void;
  openPicker(messageId: string, anchor: HTMLElement): void;
  jumpTo(seq: number): void;
}

export const ChatActionsContext = createContext<ChatActions | null>(null);

export function useChatActions(): ChatActions {
  const value = useContext(ChatActionsContext);
  if (value === null) throw new Error('useChatActions must be used inside <ChatActionsContext>');
  return value;
}
