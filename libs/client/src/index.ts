export {
  createParleyClient,
  ACK_TIMEOUT_MS,
  ACK_DOUBT_MS,
  MAX_INTERNAL_ERRORS,
  type ParleyClient,
  type ParleyClientOptions,
} from './client.ts';
export type { ParleyClientEvents, ParleyClientEventName } from './events.ts';
export type { CallApi } from './call-api.ts';
export type { ClientStatus, StatusInfo, ClosedInfo } from './connection.ts';
export type { Connectivity, ConnectivityChange } from './connectivity.ts';
export { LIVENESS_TIMEOUT_MS } from './heartbeat.ts';
export { ParleyClientError, isParleyClientError, type ParleyClientErrorReason, type LooseErrorFrame } from './errors.ts';
export type {
  OutboxAction,
  OutboxEntry,
  SendState,
  OutboxReason,
  WaitingReason,
  RetryReason,
  FailureReason,
  CancelReason,
} from './outbox-entry.ts';
export type { OutboxRecord } from './outbox-record.ts';
export {
  createMemoryOutboxStore,
  decideClaim,
  mayPut,
  type OutboxStore,
  type StoredOutboxEntry,
  type ClaimRequest,
  type ClaimResult,
} from './outbox-store.ts';
export { OUTBOX_LEASE_MS, OUTBOX_RENEW_MS, OUTBOX_LOAD_TIMEOUT_MS } from './outbox-persistence.ts';
export {
  DEFAULT_PACING,
  SERVER_ACTION_BURST,
  SERVER_ACTIONS_PER_SECOND,
  SERVER_MAX_ACTIONS_IN_FLIGHT,
  type PacingOptions,
} from './send-pacer.ts';
export { describeSendState, describeConnectivity } from './human-text.ts';
export { GAP_GRACE_MS } from './sequencer.ts';
export { ConversationTimeline, RECENT_EVENTS_KEPT } from './timeline.ts';
/** The fold rules of PROTOCOL.md §7.2, re-exported for UIs that overlay optimistic state. */
export { replyExcerpt, withReaction, withoutReaction } from '@parley/protocol';
export {
  exponentialBackoff,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  type ReconnectPolicy,
  type BackoffOptions,
} from './reconnect-policy.ts';
export { READ_FLUSH_DELAY_MS } from './read-marker.ts';
export { seenBy } from './read-receipts.ts';
export type { TypingChange } from './typing-tracker.ts';
export {
  createActivityMonitor,
  ACTIVITY_EVENTS,
  type ActivityMonitor,
  type ActivityMonitorOptions,
  type ActivityEventTarget,
  type ActivityDocument,
} from './activity-monitor.ts';
export { systemClock, type Clock, type TimerHandle } from './clock.ts';
export type { WebSocketLike, WebSocketConstructorLike } from './socket.ts';
