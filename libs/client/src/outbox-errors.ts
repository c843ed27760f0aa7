import type { FailureReason, RetryReason } from './outbox-entry.ts';

export type ErrorVerdict = { retry: true; reason: RetryReason } | { retry: false; reason: FailureReason };

/**
 * What an `error` frame answering an action means for its outbox entry. Known codes by name;
 * a code this SDK does not know (a newer server) by its `retryable` flag, as PROTOCOL.md §11 asks.
 */
export function verdictOf(code: string, retryable: boolean): ErrorVerdict {
  switch (code) {
    case 'rate_limited':
      return { retry: true, reason: 'rate_limited' };
    case 'unavailable':
      return { retry: true, reason: 'server_unavailable' };
    case 'internal':
      return { retry: true, reason: 'server_error' };
    // The frame overtook hello_ok on the server's side: it was not handled, so nothing is stored.
    case 'hello_required':
      return { retry: true, reason: 'server_unavailable' };
    case 'not_member':
    case 'forbidden':
    case 'not_found':
    case 'conflict':
    case 'limit_exceeded':
      return { retry: false, reason: code };
    case 'bad_frame':
    case 'bad_json':
    case 'unknown_type':
    case 'invalid_input':
      return { retry: false, reason: 'invalid' };
    default:
      return retryable ? { retry: true, reason: 'server_unavailable' } : { retry: false, reason: 'rejected' };
  }
}
