import type { ConversationChangedFrame, HelloOkFrame, Message, ReadStateFrame } from '@parley/protocol';
import type { ClientStatus, ClosedInfo, StatusInfo } from './connection.ts';
import type { ParleyClientError } from './errors.ts';
import type { OutboxEntry } from './outbox.ts';

export interface ParleyClientEvents {
  status: (status: ClientStatus, info: StatusInfo) => void;
  /** hello_ok received; queued sends and resume syncs have already been sent. */
  ready: (frame: HelloOkFrame) => void;
  /** Exactly once per (conversationId, seq), in seq order per conversation. */
  message: (message: Message) => void;
  send_state: (entry: OutboxEntry) => void;
  read_state: (frame: ReadStateFrame) => void;
  conversation_changed: (frame: ConversationChangedFrame) => void;
  /** Server error frames not tied to a send, and unparseable frames. Never thrown. */
  error: (error: ParleyClientError) => void;
  closed: (info: ClosedInfo) => void;
}

export type ParleyClientEventName = keyof ParleyClientEvents;
