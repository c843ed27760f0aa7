import type { ConnectivityChange } from './connectivity.ts';
import type { FailureReason, OutboxAction, OutboxEntry, OutboxReason } from './outbox-entry.ts';

const FAILURE_TEXT: Record<FailureReason, string | ((action: OutboxAction) => string)> = {
  not_member: "You can't send to this conversation any more",
  forbidden: (action) => (action.type === 'react' ? "You can't react to this message" : 'You can only change your own messages'),
  not_found: (action) => (action.type === 'send' ? 'The message you replied to is gone' : 'That message no longer exists'),
  conflict: 'That message was deleted',
  limit_exceeded: 'This message has too many reactions',
  invalid: "This can't be sent as it is",
  server_error: 'The server could not save this',
  rejected: 'Not sent',
};

function failureText(reason: OutboxReason | undefined, action: OutboxAction): string {
  const text = reason !== undefined && reason in FAILURE_TEXT ? FAILURE_TEXT[reason as FailureReason] : FAILURE_TEXT.rejected;
  return typeof text === 'function' ? text(action) : text;
}

/**
 * Default English for an outbox entry's state, for people: never a server's raw message. A UI
 * with its own wording (or language) switches on `state` and `reason` the same way.
 */
export function describeSendState(entry: Pick<OutboxEntry, 'state' | 'reason' | 'action'>): string {
  const { state, reason, action } = entry;
  switch (state) {
    case 'sent':
      return 'Sent';
    case 'cancelled':
      return reason === 'other_tab' ? 'Sending from another tab' : 'Cancelled';
    case 'waiting':
      if (reason === 'signed_out') return 'Waiting for you to sign in again';
      if (reason === 'update_required') return 'Reload Parley to send this';
      return 'Waiting for connection…';
    case 'sending':
      if (reason === 'server_unavailable' || reason === 'server_error') return 'Server busy, still trying…';
      if (reason === 'no_ack') return 'Still sending…';
      return 'Sending…';
    case 'failed':
      return failureText(reason, action);
  }
}

/**
 * Default English for a connection change, or null when there is nothing to say (the first
 * connection succeeding). "Back online" is meant to show for a few seconds.
 */
export function describeConnectivity(change: ConnectivityChange): string | null {
  switch (change.state) {
    case 'offline':
      return 'Waiting for connection…';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'online':
      return change.previous === 'offline' || change.previous === 'reconnecting' ? 'Back online' : null;
    case 'connecting':
      return 'Connecting…';
    case 'stopped':
      return null;
  }
}
