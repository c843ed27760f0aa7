'use client';
import { joinNames } from '../../lib/presence-text.ts';

interface Props {
  kind: 'direct' | 'group';
  readerNames: readonly string[];
}

/**
 * "Seen" under my latest read message in a direct chat; "Seen by 3" in a group, a button whose
 * accessible name lists the readers and whose tooltip shows them on hover, focus and tap.
 */
export function ReadReceipt({ kind, readerNames }: Props) {
  if (kind === 'direct') return <p className="message-receipt">Seen</p>;
  const names = joinNames(readerNames);
  const count = `Seen by ${readerNames.length}`;
  return (
    <p className="message-receipt is-group">
      <button type="button" className="receipt-button" aria-label={`${count}: ${names}`}>
        {count}
      </button>
      {/* Visual only: the button's name already says it, a description would repeat it. */}
      <span className="receipt-tooltip" aria-hidden="true">{names}</span>
    </p>
  );
}
