import type {
  CallRingFrame,
  CallSignalInFrame,
  CallUpdateFrame,
  ConversationChangedFrame,
  ConversationEvent,
  HelloOkFrame,
  PublicUser,
  ReadStateFrame,
  SettingsChangedFrame,
  UserPresence,
} from '@parley/protocol';
import type { ClientStatus, ClosedInfo, StatusInfo } from './connection.ts';
import type { ConnectivityChange } from './connectivity.ts';
import type { ParleyClientError } from './errors.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import type { TypingChange } from './typing-tracker.ts';

export interface ParleyClientEvents {
  status: (status: ClientStatus, info: StatusInfo) => void;
  /** What to show about the connection changed ("Waiting for connection…", "Back online"). */
  connectivity: (change: ConnectivityChange) => void;
  /** hello_ok received; queued sends and resume syncs have already been sent. */
  ready: (frame: HelloOkFrame) => void;
  /**
   * Every event of a tracked conversation's log, exactly once per (conversationId, seq), in seq
   * order per conversation. Fold them with `ConversationTimeline`. Events this SDK cannot read
   * (a newer server) arrive with kind `unknown` and change nothing.
   */
  event: (event: ConversationEvent) => void;
  /** Every change of an outbox entry; `sent` and `cancelled` are its last. */
  send_state: (entry: OutboxEntry) => void;
  /** Any member's read position moved (read receipts), including ours from other tabs. */
  read_state: (frame: ReadStateFrame) => void;
  /** A user's status changed; also once per snapshot entry that differs from what was known. */
  presence: (presence: UserPresence) => void;
  /** The set of other users typing in a conversation changed (start, stop, expiry, disconnect). */
  typing: (change: TypingChange) => void;
  conversation_changed: (frame: ConversationChangedFrame) => void;
  /** Someone's profile changed (display name), or their account was deleted; possibly yours. */
  user_updated: (user: PublicUser) => void;
  /** Your account-wide settings (do-not-disturb) changed, on this or another device. */
  settings_changed: (frame: SettingsChangedFrame) => void;
  /** Someone calls this device: ring until a call_update says the ringing stopped. */
  call_ring: (frame: CallRingFrame) => void;
  /** A call this device rings for or takes part in changed (always the full CallInfo). */
  call_update: (frame: CallUpdateFrame) => void;
  /** SDP or ICE relayed from another participant's device. */
  call_signal: (frame: CallSignalInFrame) => void;
  /** Server error frames not tied to an action, unparseable frames, outbox store failures. Never thrown. */
  error: (error: ParleyClientError) => void;
  closed: (info: ClosedInfo) => void;
}

export type ParleyClientEventName = keyof ParleyClientEvents;
