'use client';
import { useCallback, useEffect, useMemo, useState, type RefObject } from 'react';
import type { Message, PublicUser } from '@parley/protocol';
import { reactionToggle } from '../../lib/pending-actions.ts';
import { reactionBlocked } from '../../lib/reaction-limits.ts';
import type { NameOf } from '../../lib/system-text.ts';
import type { ChatActions } from './actions/chat-actions.tsx';
import type { OpenPopover } from './actions/message-popover.tsx';
import type { Notice } from './chat-notices.tsx';

/** How long "Copied" stays on screen (ms). */
const STATUS_MS = 2000;

interface Deps {
  meId: string;
  nameOf: NameOf;
  members: readonly PublicUser[];
  messagesById: ReadonlyMap<string, Message>;
  composerInput: RefObject<HTMLTextAreaElement | null>;
  highlightedSeq: number | null;
  jumpTo: (seq: number) => void;
  startReply: (message: Message) => void;
  edit: (messageId: string, body: string) => void;
  react: (messageId: string, emoji: string, action: 'add' | 'remove') => void;
  recordEmoji: (emoji: string) => void;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong';
}

/**
 * What people do to messages, as one context value for the log: the inline editor, the open
 * menu or picker, the delete confirmation, copying, and the notices when something fails.
 */
export function useMessageInteractions(deps: Deps) {
  const { meId, nameOf, members, messagesById, composerInput, highlightedSeq, jumpTo, startReply, edit, react, recordEmoji } = deps;
  const [editingId, setEditingId] = useState<string | null>(null);
  const [popover, setPopover] = useState<OpenPopover | null>(null);
  const [deletingId, setDeletingId] = useState<string | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [status, setStatus] = useState<string | null>(null);

  const notify = useCallback((text: string) => setNotices((list) => [...list, { id: `${Date.now()}-${list.length}`, text }]), []);
  const dismiss = useCallback((id: string) => setNotices((list) => list.filter((n) => n.id !== id)), []);

  useEffect(() => {
    if (status === null) return;
    const timer = setTimeout(() => setStatus(null), STATUS_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const focusComposer = useCallback(() => composerInput.current?.focus(), [composerInput]);

  const toggleReaction = useCallback(
    (messageId: string, emoji: string) => {
      const message = messagesById.get(messageId);
      if (message === undefined) return;
      const action = reactionToggle(message, emoji, meId);
      const blocked = action === 'add' ? reactionBlocked(message, emoji, meId) : null;
      if (blocked !== null) return notify(blocked);
      try {
        react(messageId, emoji, action);
        if (action === 'add') recordEmoji(emoji);
      } catch (e) {
        notify(errorText(e));
      }
    },
    [messagesById, meId, react, recordEmoji, notify],
  );

  const actions = useMemo<ChatActions>(
    () => ({
      meId,
      nameOf,
      members,
      editingId,
      highlightedSeq,
      activeMessageId: popover?.messageId ?? null,
      startEdit: (messageId) => {
        setPopover(null);
        setEditingId(messageId);
      },
      cancelEdit: () => {
        setEditingId(null);
        focusComposer();
      },
      saveEdit: (messageId, body) => {
        try {
          edit(messageId, body);
          setEditingId(null);
          focusComposer();
        } catch (e) {
          notify(errorText(e));
        }
      },
      reply: (messageId) => {
        const message = messagesById.get(messageId);
        if (message === undefined) return;
        startReply(message);
        focusComposer();
      },
      toggleReaction,
      openMenu: (messageId, anchor) => setPopover((p) => (p?.messageId === messageId && p.kind === 'menu' ? null : { kind: 'menu', messageId, anchor })),
      openPicker: (messageId, anchor) => setPopover({ kind: 'picker', messageId, anchor }),
      jumpTo,
    }),
    [meId, nameOf, members, editingId, highlightedSeq, popover, focusComposer, edit, notify, messagesById, startReply, toggleReaction, jumpTo],
  );

  const copyText = useCallback(
    (messageId: string) => {
      const body = messagesById.get(messageId)?.body ?? '';
      navigator.clipboard.writeText(body).then(
        () => setStatus('Copied to clipboard'),
        () => notify('Couldn’t copy: the browser refused access to the clipboard.'),
      );
    },
    [messagesById, notify],
  );

  return {
    actions,
    popover,
    closePopover: useCallback(() => setPopover(null), []),
    openPicker: (anchor: HTMLElement) => setPopover((p) => (p === null ? null : { ...p, kind: 'picker', anchor })),
    deletingId,
    setDeletingId,
    copyText,
    editLast: (messageId: string | undefined) => {
      if (messageId === undefined) return false;
      setEditingId(messageId);
      return true;
    },
    notices,
    notify,
    dismiss,
    status,
  };
}
