import { formatClockTime, formatFullTime } from '../../lib/format-time.ts';
import type { LogItem } from '../../lib/log-items.ts';

/** A change to the conversation (created, renamed, someone added or left), centred in the timeline. */
export function SystemEntry({ item }: { item: LogItem }) {
  return (
    <p className="log-system" data-seq={item.seq}>
      <span>{item.systemText}</span>{' '}
      <time dateTime={item.createdAt} title={formatFullTime(item.createdAt)}>
        {formatClockTime(item.createdAt)}
      </time>
    </p>
  );
}
