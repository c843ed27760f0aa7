'use client';
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import type { LogItem } from '../../lib/log-items.ts';
import { groupMessages } from '../../lib/message-groups.ts';
import { anchoredScrollTop, isAtBottom, shouldLoadOlder } from '../../lib/scroll-anchor.ts';
import { MessageGroupView } from './message-group.tsx';
import { SystemEntry } from './system-entry.tsx';

interface Props {
  items: LogItem[];
  members: ReadonlyMap<string, PublicUser>;
  hasMore: boolean;
  loadingOlder: boolean;
  olderFailed: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  receipt?: { seq: number; content: ReactNode } | null;
}

interface Snapshot {
  firstKey: string | undefined;
  lastKey: string | undefined;
  scrollHeight: number;
}

/**
 * The scrolling message log. Older pages are prepended without moving what the reader sees;
 * new messages keep the view at the bottom only if it was already there (or you just sent).
 */
export function MessageLog({ items, members, hasMore, loadingOlder, olderFailed, onLoadOlder, onRetry, receipt }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<Snapshot | null>(null);
  const loadOlderRef = useRef(onLoadOlder);
  useEffect(() => {
    loadOlderRef.current = onLoadOlder;
  }, [onLoadOlder]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const prev = previous.current;
    const first = items[0];
    const last = items[items.length - 1];
    if (prev === null || prev.firstKey === undefined) {
      el.scrollTop = el.scrollHeight;
    } else {
      if (first?.key !== prev.firstKey) el.scrollTop = anchoredScrollTop({ scrollTop: el.scrollTop, scrollHeight: prev.scrollHeight }, el.scrollHeight);
      const appended = last?.key !== prev.lastKey;
      const justSent = appended && last?.state === 'sending';
      if (appended && (atBottom.current || justSent)) el.scrollTop = el.scrollHeight;
    }
    atBottom.current = isAtBottom(el);
    previous.current = { firstKey: first?.key, lastKey: last?.key, scrollHeight: el.scrollHeight };
    // A short first page may not fill the view: keep loading until it scrolls.
    if (hasMore && shouldLoadOlder(el)) loadOlderRef.current();
  }, [items, hasMore]);

  // A receipt appearing under the last message grows the log: keep it in view if we were at the bottom.
  const receiptSeq = receipt?.seq;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el !== null && receiptSeq !== undefined && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [receiptSeq]);

  // The mobile keyboard or a window resize shrinks the view: stay pinned to the bottom.
  useEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  function onScroll(): void {
    const el = scroller.current;
    if (el === null) return;
    atBottom.current = isAtBottom(el);
    if (hasMore && shouldLoadOlder(el)) loadOlderRef.current();
  }

  const groups = groupMessages(items);
  return (
    <div ref={scroller} className="message-log" role="log" aria-label="Messages" tabIndex={0} onScroll={onScroll}>
      {hasMore ? (
        // Fixed height whether loading or not, so showing the spinner never shifts the view.
        <div className="log-top">
          {olderFailed ? (
            <button type="button" className="link-button" onClick={onLoadOlder}>Couldn’t load older messages. Try again</button>
          ) : loadingOlder ? (
            <span className="muted">Loading older messages…</span>
          ) : null}
        </div>
      ) : (
        <div className="log-top muted">
          {items.length > 0 ? 'This is the beginning of the conversation.' : 'No messages yet. Say hello!'}
        </div>
      )}
      {groups.map((group) =>
        group.items[0]?.kind === 'system' ? (
          <SystemEntry key={group.key} item={group.items[0]} />
        ) : (
          <MessageGroupView key={group.key} group={group} sender={members.get(group.senderId)} onRetry={onRetry} receipt={receipt} />
        ),
      )}
    </div>
  );
}
