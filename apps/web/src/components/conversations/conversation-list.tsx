'use client';
import Link from 'next/link';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { conversationTitle, previewText } from '../../lib/conversation-list.ts';
import { formatFullTime, formatRelativeTime } from '../../lib/format-time.ts';
import { hasUnreadMention } from '../../lib/unread-mentions.ts';
import { useNow } from '../../lib/use-now.ts';
import { useUnreadMentionIndex } from '../shell/use-unread-mentions.ts';
import { Avatar } from '../avatar.tsx';
import { PresenceStatus } from '../presence-status.tsx';

/** Relative times ("5 min") are re-rendered on this cadence. */
const CLOCK_TICK_MS = 30_000;

interface Props {
  conversations: ConversationSummary[];
  meId: string;
  activeId: string | undefined;
}

export function ConversationList({ conversations, meId, activeId }: Props) {
  const now = useNow(CLOCK_TICK_MS);
  const mentions = useUnreadMentionIndex();
  return (
    <ul className="conversation-list" aria-label="Conversations">
      {conversations.map((c) => {
        const title = conversationTitle(c, meId);
        const descId = `conv-desc-${c.id}`;
        const presenceId = `conv-presence-${c.id}`;
        const other = c.kind === 'direct' ? c.members.find((m) => m.id !== meId) : undefined;
        const active = c.id === activeId;
        return (
          <li key={c.id}>
            <Link
              href={`/c/${c.id}`}
              className={`conversation-item${active ? ' is-active' : ''}${c.unreadCount > 0 ? ' is-unread' : ''}`}
              aria-label={title}
              // The status (direct only) is read before the preview; a missing id is ignored.
              aria-describedby={other === undefined ? descId : `${presenceId} ${descId}`}
              aria-current={active ? 'page' : undefined}
            >
              <Avatar name={title} id={other?.id ?? c.id} />
              <span className="conversation-text">
                <span className="conversation-row">
                  <span className="conversation-title">{title}</span>
                  {other !== undefined ? <PresenceStatus userId={other.id} id={presenceId} className="conversation-presence" /> : null}
                  {now !== null ? (
                    <time className="conversation-time" dateTime={c.lastActivityAt} title={formatFullTime(c.lastActivityAt)}>
                      {formatRelativeTime(c.lastActivityAt, now)}
                    </time>
                  ) : null}
                </span>
                <span className="conversation-row" id={descId}>
                  <span className="conversation-preview">{previewText(c, meId)}</span>
                  {hasUnreadMention(mentions, c, meId) ? (
                    <span className="mention-badge" role="img" aria-label="Mentions you" title="You were mentioned">
                      @
                    </span>
                  ) : null}
                  {c.notifyLevel === 'none' ? (
                    // In the described row, so a screen reader says it with the preview.
                    <span className="muted-marker" role="img" aria-label="Muted" title="Muted: no sound or notification">
                      🔕
                    </span>
                  ) : null}
                  {c.unreadCount > 0 ? (
                    <span className={`badge${c.notifyLevel === 'none' ? ' is-muted' : ''}`}>
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
