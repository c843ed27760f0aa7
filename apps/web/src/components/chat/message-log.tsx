'use client';
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import type { LogItem } from '../../lib/log-items.ts';
import { groupMessages } from '../../lib/message-groups.ts';
import { countAppended, isFarFromBottom, newMessagesLabel } from '../../lib/new-messages.ts';
import { anchoredScrollTop, isAtBottom, shouldLoadNewer, shouldLoadOlder } from '../../lib/scroll-anchor.ts';
import { MessageGroupView } from './message-group.tsx';
import { SystemEntry } from './system-entry.tsx';
import type { JumpTarget } from './use-jump-to-message.ts';

interface Props {
  items: LogItem[];
  members: ReadonlyMap<string, PublicUser>;
  hasMore: boolean;
  loadingOlder: boolean;
  olderFailed: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  onCancel: (clientId: string) => void;
  /** What the top of the log says when the history could not be loaded yet (offline). */
  offlineNote?: string | undefined;
  /** What the top of the loaded log says instead of "the beginning" (earlier messages hidden from the reader). */
  topNote?: string | undefined;
  receipt?: { seq: number; content: ReactNode } | null;
  /** Scroll this message to the middle of the view (it is loaded by then). */
  jumpTarget?: JumpTarget | null;
  /** The log was opened at this message: start with it in the middle, not at the bottom. */
  initialSeq?: number | undefined;
  /** Newer messages exist below what is loaded (opened at an older message). */
  hasNewer?: boolean;
  loadingNewer?: boolean;
  onLoadNewer?: () => void;
  /** Leave the older part of the log for the newest messages. */
  onJumpToLatest?: () => void;
}

interface Snapshot {
  firstKey: string | undefined;
  lastKey: string | undefined;
  scrollHeight: number;
  hasNewer: boolean;
}

function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * The scrolling message log. Older pages are prepended without moving what the reader sees;
 * new messages keep the view at the bottom only if it was already there (or you just sent);
 * otherwise a pill says how many arrived and brings the reader down.
 */
export function MessageLog(props: Props) {
  const { items, members, hasMore, loadingOlder, olderFailed, onLoadOlder, onRetry, onCancel, offlineNote, topNote, receipt, jumpTarget } = props;
  const { initialSeq, hasNewer = false, loadingNewer = false, onLoadNewer, onJumpToLatest } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<Snapshot | null>(null);
  const loadOlderRef = useRef(onLoadOlder);
  const loadNewerRef = useRef(onLoadNewer);
  const [unseen, setUnseen] = useState(0);
  const [farFromBottom, setFarFromBottom] = useState(false);
  useEffect(() => {
    loadOlderRef.current = onLoadOlder;
    loadNewerRef.current = onLoadNewer;
  }, [onLoadOlder, onLoadNewer]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const prev = previous.current;
    const first = items[0];
    const last = items[items.length - 1];
    const opening = initialSeq === undefined ? null : el.querySelector<HTMLElement>(`[data-seq="${initialSeq}"]`);
    if ((prev === null || prev.firstKey === undefined) && opening != null) {
      el.scrollTop += opening.getBoundingClientRect().top - el.getBoundingClientRect().top - (el.clientHeight - opening.getBoundingClientRect().height) / 2;
    } else if (prev === null || prev.firstKey === undefined) {
      el.scrollTop = el.scrollHeight;
    } else {
      if (first?.key !== prev.firstKey) el.scrollTop = anchoredScrollTop({ scrollTop: el.scrollTop, scrollHeight: prev.scrollHeight }, el.scrollHeight);
      // A page loaded below an older window grows the log under the reader: nothing moves, nothing is "new".
      const appended = last?.key !== prev.lastKey && !prev.hasNewer;
      const justSent = appended && last?.state === 'sending';
      if (appended && (atBottom.current || justSent)) el.scrollTop = el.scrollHeight;
      else if (appended) setUnseen((n) => n + countAppended(items, prev.lastKey));
    }
    atBottom.current = isAtBottom(el);
    if (atBottom.current) setUnseen(0);
    previous.current = { firstKey: first?.key, lastKey: last?.key, scrollHeight: el.scrollHeight, hasNewer };
    // A short first page may not fill the view: keep loading until it scrolls.
    if (hasMore && shouldLoadOlder(el)) loadOlderRef.current();
    if (hasNewer && shouldLoadNewer(el)) loadNewerRef.current?.();
    // initialSeq is read for the first layout only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, hasMore, hasNewer]);

  // After the items effect (same commit when a jump loaded pages): centre the target and focus it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null || jumpTarget == null) return;
    const target = el.querySelector<HTMLElement>(`[data-seq="${jumpTarget.seq}"]`);
    if (target === null) return;
    const box = el.getBoundingClientRect();
    const rect = target.getBoundingClientRect();
    el.scrollTop += rect.top - box.top - (el.clientHeight - rect.height) / 2;
    atBottom.current = isAtBottom(el);
    setFarFromBottom(isFarFromBottom(el));
    target.focus({ preventScroll: true });
  }, [jumpTarget]);

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
    if (atBottom.current) setUnseen(0);
    setFarFromBottom(isFarFromBottom(el));
    if (hasMore && shouldLoadOlder(el)) loadOlderRef.current();
    if (hasNewer && shouldLoadNewer(el)) loadNewerRef.current?.();
  }

  function toLatest(): void {
    const el = scroller.current;
    if (el === null) return;
    if (hasNewer && onJumpToLatest) return onJumpToLatest();
    el.scrollTo({ top: el.scrollHeight, behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
    setUnseen(0);
    el.focus({ preventScroll: true });
  }

  const groups = groupMessages(items);
  const pill = hasNewer ? 'Jump to latest' : newMessagesLabel(unseen, farFromBottom);
  return (
    <div className="message-log-frame">
      <div ref={scroller} className="message-log" role="log" aria-label="Messages" tabIndex={0} onScroll={onScroll}>
        {offlineNote !== undefined ? (
          <div className="log-top muted">{offlineNote}</div>
        ) : hasMore ? (
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
            {items.length > 0 ? (topNote ?? 'This is the beginning of the conversation.') : 'No messages yet. Say hello!'}
          </div>
        )}
        {groups.map((group) =>
          group.items[0]?.kind === 'system' ? (
            <SystemEntry key={group.key} item={group.items[0]} />
          ) : (
            <MessageGroupView key={group.key} group={group} sender={members.get(group.senderId)} onRetry={onRetry} onCancel={onCancel} receipt={receipt} />
          ),
        )}
        {hasNewer ? (
          <div className="log-bottom muted" aria-live="polite">{loadingNewer ? 'Loading newer messages…' : ''}</div>
        ) : null}
      </div>
      {pill !== null ? (
        <button type="button" className={`new-messages-pill${unseen > 0 ? ' has-news' : ''}`} onClick={toLatest}>
          {pill} <span aria-hidden="true">↓</span>
        </button>
      ) : null}
    </div>
  );
}
