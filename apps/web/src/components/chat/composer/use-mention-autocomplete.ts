'use client';
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { PublicUser } from '@parley/protocol';
import { activeMentionQuery, insertMention, suggestMembers } from '../../../lib/mention-query.ts';

interface Options {
  input: RefObject<HTMLTextAreaElement | null>;
  body: string;
  setBody: (body: string) => void;
  members: readonly PublicUser[];
  meId: string;
}

/**
 * `@` suggestions for the composer: the caret's `@query` filters the members; Up and Down move,
 * Enter or Tab inserts `@handle `, Escape closes until the next `@`.
 */
export function useMentionAutocomplete({ input, body, setBody, members, meId }: Options) {
  const listId = useId();
  const [caret, setCaret] = useState<number | null>(null);
  const [selection, setSelection] = useState({ key: '', index: 0 });
  // Escape closes the list for this `@` only; a new one opens it again.
  const [dismissedStart, setDismissedStart] = useState<number | null>(null);
  const pendingCaret = useRef<number | null>(null);

  const query = caret === null ? null : activeMentionQuery(body, caret);
  const options = query === null || query.start === dismissedStart ? [] : suggestMembers(members, query.query, meId);
  const key = query === null ? '' : `${query.start}:${query.query}`;
  const activeIndex = selection.key === key ? Math.min(selection.index, Math.max(0, options.length - 1)) : 0;
  const visible = options.length > 0;

  useEffect(() => {
    if (query === null && dismissedStart !== null) setDismissedStart(null);
  }, [query, dismissedStart]);

  // After inserting a mention, put the caret after it (the value changed under the textarea).
  useLayoutEffect(() => {
    const el = input.current;
    const at = pendingCaret.current;
    if (el === null || at === null) return;
    pendingCaret.current = null;
    el.setSelectionRange(at, at);
  }, [body, input]);

  const trackCaret = useCallback(() => setCaret(input.current?.selectionStart ?? null), [input]);

  const pick = useCallback(
    (user: PublicUser) => {
      if (query === null) return;
      const next = insertMention(body, query, user.handle);
      pendingCaret.current = next.caret;
      setCaret(next.caret);
      setBody(next.text);
      input.current?.focus();
    },
    [body, query, setBody, input],
  );

  /** Returns true when the key was for the list (the caller must not act on it). */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!visible || query === null) return false;
    const n = options.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : n - 1;
      setSelection({ key, index: (activeIndex + step) % n });
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.nativeEvent.isComposing) {
      const user = options[activeIndex];
      if (user !== undefined) pick(user);
    } else if (event.key === 'Escape') {
      setDismissedStart(query.start);
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  };

  return {
    visible,
    options,
    activeIndex,
    listId,
    optionId: (index: number) => `${listId}-${index}`,
    trackCaret,
    onKeyDown,
    pick,
  };
}
