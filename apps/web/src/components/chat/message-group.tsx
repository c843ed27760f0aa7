import type { ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import { formatClockTime, formatFullTime } from '../../lib/format-time.ts';
import type { LogItem } from '../../lib/log-items.ts';
import { callEventText } from '../../lib/calls/call-text.ts';
import type { MessageGroup } from '../../lib/message-groups.ts';
import { Avatar } from '../avatar.tsx';

interface Props {
  group: MessageGroup<LogItem>;
  sender: PublicUser | undefined;
  onRetry: (clientId: string) => void;
  /** Shown under the message with this seq ("Seen"). */
  receipt?: { seq: number; content: ReactNode } | null | undefined;
}

/** One burst from one sender: a header (avatar, name, time), then one article per message. */
export function MessageGroupView({ group, sender, onRetry, receipt }: Props) {
  const name = sender?.displayName ?? 'Former member';
  const own = group.items[0]?.own ?? false;
  return (
    <div role="group" className={`message-group${own ? " is-own" : ""}`} aria-label={`${name}, ${formatFullTime(group.startedAt)}`}>
      <Avatar name={name} id={group.senderId} />
      <div className="message-group-body">
        <div className="message-group-head" aria-hidden="true">
          <span className="message-sender">{name}</span>
          <time className="message-time" dateTime={group.startedAt} title={formatFullTime(group.startedAt)}>
            {formatClockTime(group.startedAt)}
          </time>
        </div>
        {group.items.map((item) => (
          <article key={item.key} className={`message is-${item.state}`} data-seq={item.seq}>
            {item.call !== undefined ? (
              <p className={`message-call is-${item.call.endReason}`}>
                <span className="message-call-icon" aria-hidden="true">{item.call.media === 'video' ? '▶' : '☎'}</span>
                {callEventText(item.call)}
              </p>
            ) : item.deleted ? (
              <p className="message-body is-deleted">This message was deleted</p>
            ) : item.kind === 'unknown' ? (
              <p className="message-body is-unknown">This message needs a newer version of Parley</p>
            ) : (
              <p className="message-body">
                {item.body}
                {item.edited ? <span className="message-edited"> (edited)</span> : null}
              </p>
            )}
            {item.state === 'sending' ? <span className="message-state">{item.error ?? 'Sending…'}</span> : null}
            {item.state === 'failed' ? (
              <span className="message-state is-failed">
                <span role="alert">Not sent{item.error ? `: ${item.error}` : ''}.</span>{' '}
                <button type="button" className="link-button" onClick={() => item.clientId !== undefined && onRetry(item.clientId)}>
                  Retry
                </button>
              </span>
            ) : null}
            {receipt != null && item.seq === receipt.seq ? receipt.content : null}
          </article>
        ))}
      </div>
    </div>
  );
}
