import type { ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import { formatClockTime, formatFullTime } from '../../lib/format-time.ts';
import type { LogItem } from '../../lib/log-items.ts';
import type { MessageGroup } from '../../lib/message-groups.ts';
import { Avatar } from '../avatar.tsx';
import { MessageItem } from './message-item.tsx';

interface Props {
  group: MessageGroup<LogItem>;
  sender: PublicUser | undefined;
  onRetry: (clientId: string) => void;
  onCancel: (clientId: string) => void;
  /** Shown under the message with this seq ("Seen"). */
  receipt?: { seq: number; content: ReactNode } | null | undefined;
}

/** One burst from one sender: a header (avatar, name, time), then one article per message. */
export function MessageGroupView({ group, sender, onRetry, onCancel, receipt }: Props) {
  const name = sender?.displayName ?? 'Former member';
  const own = group.items[0]?.own ?? false;
  return (
    <div role="group" className={`message-group${own ? ' is-own' : ''}`} aria-label={`${name}, ${formatFullTime(group.startedAt)}`}>
      <Avatar name={name} id={group.senderId} />
      <div className="message-group-body">
        <div className="message-group-head" aria-hidden="true">
          <span className="message-sender">{name}</span>
          <time className="message-time" dateTime={group.startedAt} title={formatFullTime(group.startedAt)}>
            {formatClockTime(group.startedAt)}
          </time>
        </div>
        {group.items.map((item) => (
          <MessageItem key={item.key} item={item} onRetry={onRetry} onCancel={onCancel} receipt={receipt != null && item.seq === receipt.seq ? receipt.content : null} />
        ))}
      </div>
    </div>
  );
}
