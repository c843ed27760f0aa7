'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { conversationTitle, previewText } from '../../lib/conversation-list.ts';
import { formatFullTime, formatRelativeTime } from '../../lib/format-time.ts';
import { Avatar } from '../avatar.tsx';

/** Relative times ("5 min") are re-rendered on this cadence. */
const CLOCK_TICK_MS = 30_000;

function useNow(): Date | null {
  // null on the server render and first client render, so the HTML matches (no hydration diff).
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

interface Props {
  conversations: ConversationSummary[];
  meId: string;
  activeId: string | undefined;
}

export function ConversationList({ conversations, meId, activeId }: Props) {
  const now = useNow();
  return (
    <ul className="conversation-list" aria-label="Conversations">
      {conversations.map((c) => {
        const title = conversationTitle(c, meId);
        const descId = `conv-desc-${c.id}`;
        const other = c.kind === 'direct' ? c.members.find((m) => m.id !== meId) : undefined;
        const active = c.id === activeId;
        return (
          <li key={c.id}>
            <Link
              href={`/c/${c.id}`}
              className={`conversation-item${active ? ' is-active' : ''}${c.unreadCount > 0 ? ' is-unread' : ''}`}
              aria-label={title}
              aria-describedby={descId}
              aria-current={active ? 'page' : undefined}
            >
              <Avatar name={title} id={other?.id ?? c.id} />
              <span className="conversation-text">
                <span className="conversation-row">
                  <span className="conversation-title">{title}</span>
                  {now !== null ? (
                    <time className="conversation-time" dateTime={c.lastActivityAt} title={formatFullTime(c.lastActivityAt)}>
                      {formatRelativeTime(c.lastActivityAt, now)}
                    </time>
                  ) : null}
                </span>
                <span className="conversation-row" id={descId}>
                  <span className="conversation-preview">{previewText(c, meId)}</span>
                  {c.unreadCount > 0 ? (
                    <span className="badge">
                      {c.unreadCount > 99 ? '99+' : c.unreadCount}
                      <span className="sr-only"> unread</span>
                    </span>
                  ) : null}
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
