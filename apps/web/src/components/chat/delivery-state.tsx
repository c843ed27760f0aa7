'use client';
import type { LogItem } from '../../lib/log-items.ts';

interface Props {
  item: LogItem;
  onRetry: (clientId: string) => void;
  onCancel: (clientId: string) => void;
}

/**
 * Under an unsent message: what is happening to it in words ("Sending…", "Waiting for
 * connection…", or why it failed), Retry for a failed one, and Cancel while it is not on the
 * wire (once the server may be committing it, only its answer can settle it).
 */
export function DeliveryState({ item, onRetry, onCancel }: Props) {
  const clientId = item.clientId;
  if (clientId === undefined || (item.state !== 'sending' && item.state !== 'failed')) return null;
  const cancel = item.cancellable ? (
    <button type="button" className="link-button" onClick={() => onCancel(clientId)}>
      Cancel
    </button>
  ) : null;
  if (item.state === 'sending') {
    return (
      <span className="message-state">
        <span>{item.error ?? 'Sending…'}</span>
        {cancel === null ? null : <> <span aria-hidden="true">·</span> {cancel}</>}
      </span>
    );
  }
  return (
    <span className="message-state is-failed">
      <span role="alert">Not sent{item.error ? `: ${item.error}` : ''}.</span>{' '}
      <button type="button" className="link-button" onClick={() => onRetry(clientId)}>
        Retry
      </button>
      {cancel === null ? null : <> <span aria-hidden="true">·</span> {cancel}</>}
    </span>
  );
}
