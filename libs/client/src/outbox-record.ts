import type { FailureReason, OutboxAction } from './outbox-entry.ts';

/** What of an outbox entry survives a reload: enough to send it again, in its place. */
export interface OutboxRecord {
  clientId: string;
  conversationId: string;
  action: OutboxAction;
  /** Send order; later actions have larger numbers (microseconds of the writing tab's clock). */
  order: number;
  /** ms since the epoch, for display. */
  createdAt: number;
  /**
   * Set when the frame first went on the wire (written right after it went): the server may
   * have it, so after a reload a cancel can only say it may still arrive.
   */
  sentBefore?: boolean;
  /** Set once the server refused it for good, so a reload still shows why. */
  failure?: { reason: FailureReason; message: string };
}
