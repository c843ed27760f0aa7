import type { ConnectionState, Message, PublicUser, UserPresence } from '@parley/protocol';
import { systemClock, type Clock } from './clock.ts';
import { createCallApi, type CallApi } from './call-api.ts';
import { randomClientId, randomUuid } from './client-id.ts';
import { Connection, type ClientStatus } from './connection.ts';
import { Emitter } from './emitter.ts';
import { ParleyClientError } from './errors.ts';
import type { ParleyClientEvents } from './events.ts';
import { Outbox, type OutboxEntry } from './outbox.ts';
import { PresenceStore } from './presence-store.ts';
import { ReadReceipts } from './read-receipts.ts';
import { READ_FLUSH_DELAY_MS, ReadMarker } from './read-marker.ts';
import { exponentialBackoff, type ReconnectPolicy } from './reconnect-policy.ts';
import { ConversationSequencer } from './sequencer.ts';
import type { WebSocketConstructorLike } from './socket.ts';
import { TypingSender } from './typing-sender.ts';
import { TypingTracker } from './typing-tracker.ts';

export const ACK_TIMEOUT_MS = 10_000;
export const MAX_SEND_ATTEMPTS = 5;

export interface ParleyClientOptions {
  /** `ws(s)://host/ws` */
  url: string;
  /** `globalThis.WebSocket` in browsers, `WebSocket` from the `ws` package in Node. */
  WebSocket: WebSocketConstructorLike;
  /** Second constructor argument, e.g. `{ headers: { cookie } }` for `ws`. */
  webSocketOptions?: unknown;
  /** Sent in hello, for server logs: e.g. "parley-web/0.1.0". */
  clientName?: string;
  /** Default: exponential backoff, full jitter, 250 ms base, 10 s cap, never gives up. */
  reconnect?: ReconnectPolicy;
  /** Default: what the server announces in hello_ok. */
  heartbeatIntervalMs?: number;
  /** From socket creation to hello_ok; default HELLO_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  ackTimeoutMs?: number;
  maxSendAttempts?: number;
  /** Delay before coalesced chat_read frames go out. */
  readFlushDelayMs?: number;
  random?: () => number;
  clock?: Clock;
  newClientId?: () => string;
  /** Call ids for `callInvite`; default a random v4 UUID. */
  newCallId?: () => string;
}

export interface ParleyClient extends CallApi {
  readonly status: ClientStatus;
  /** The signed-in user, from the last hello_ok; null before the first one. */
  readonly user: PublicUser | null;
  /**
   * This device's connection id from the current socket's hello_ok (call signaling is addressed
   * to it). A reconnect gets a new one; null before the first hello_ok and while disconnected.
   */
  readonly connectionId: string | null;
  connect(): void;
  /** Closes for good (no reconnect) until `connect()` is called again. Keeps the outbox. */
  close(): void;
  /** Skip the remaining reconnect backoff, e.g. on the browser's `online` event. */
  reconnectNow(): void;
  on<E extends keyof ParleyClientEvents>(event: E, listener: ParleyClientEvents[E]): () => void;
  /** Queues a message; throws ParleyClientError('invalid_input') for an empty or too long body. */
  send(conversationId: string, body: string): OutboxEntry;
  retry(clientId: string): boolean;
  discard(clientId: string): boolean;
  /** Entries still sending or failed (acked ones leave the outbox). */
  outbox(conversationId?: string): OutboxEntry[];
  track(conversationId: string, lastSeq: number): void;
  untrack(conversationId: string): void;
  lastSeq(conversationId: string): number | undefined;
  markRead(conversationId: string, seq: number): void;
  /** Last known status of a user who shares a conversation with us. */
  presence(userId: string): UserPresence | undefined;
  /** This connection's activity as last set (the server assumes 'active' on connect). */
  readonly activity: ConnectionState;
  /** Sends presence_set when the state changes; an 'idle' state is re-sent after every hello_ok. */
  setActivity(state: ConnectionState): void;
  /** Call with true on each keystroke, false on blur or an empty composer; throttled. */
  setTyping(conversationId: string, active: boolean): void;
  /** Other users typing in the conversation, oldest first. */
  typingUsers(conversationId: string): string[];
  /** userId -> lastReadSeq of every member seen in read_state frames (a copy). */
  readStates(conversationId: string): Map<string, number>;
  /** Merges read positions loaded over HTTP; like frames, a position never moves back. */
  seedReadStates(conversationId: string, states: Readonly<Record<string, number>>): void;
}

export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const clock = options.clock ?? systemClock();
  const random = options.random ?? Math.random;
  const events = new Emitter<ParleyClientEvents>();
  const sendBackoff = exponentialBackoff({ random });

  // Forward references: the parts below need the connection and each other.
  const isReady = (): boolean => connection.isReady();

  const sequencer = new ConversationSequencer({
    deliver: (message: Message) => events.emit('message', message),
    requestSync: (conversationId, afterSeq) =>
      isReady() && connection.send({ type: 'chat_sync', conversationId, afterSeq }),
  });

  const outbox = new Outbox({
    clock,
    isReady,
    transmit: (frame) => connection.send(frame),
    changed: (entry) => events.emit('send_state', entry),
    newClientId: options.newClientId ?? randomClientId,
    ackTimeoutMs: options.ackTimeoutMs ?? ACK_TIMEOUT_MS,
    maxSendAttempts: options.maxSendAttempts ?? MAX_SEND_ATTEMPTS,
    retryDelayMs: (failures) => sendBackoff.nextDelayMs(failures - 1) ?? 0,
  });

  const reads = new ReadMarker({
    clock,
    flushDelayMs: options.readFlushDelayMs ?? READ_FLUSH_DELAY_MS,
    isReady,
    transmit: (conversationId, seq) => connection.send({ type: 'chat_read', conversationId, seq }),
  });

  const presence = new PresenceStore((entry) => events.emit('presence', entry));
  const receipts = new ReadReceipts();
  const typingOut = new TypingSender({
    clock,
    transmit: (conversationId, active) => isReady() && connection.send({ type: 'typing', conversationId, active }),
  });
  const typingIn = new TypingTracker({
    clock,
    selfId: () => connection.user?.id,
    changed: (change) => events.emit('typing', change),
  });
  let activity: ConnectionState = 'active';
  let connectionId: string | null = null;
  const calls = createCallApi({
    send: (frame) => connection.send(frame),
    isReady,
    newCallId: options.newCallId ?? randomUuid,
  });

  const connection: Connection = new Connection(
    {
      url: options.url,
      WebSocket: options.WebSocket,
      webSocketOptions: options.webSocketOptions,
      clientName: options.clientName,
      reconnect: options.reconnect ?? exponentialBackoff({ random }),
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      connectTimeoutMs: options.connectTimeoutMs,
      clock,
    },
    {
      status: (status, info) => events.emit('status', status, info),
      ready: (frame) => {
        connectionId = frame.connectionId;
        outbox.ready();
        sequencer.resume();
        reads.ready();
        if (activity === 'idle') connection.send({ type: 'presence_set', state: activity });
        events.emit('ready', frame);
      },
      frame: (frame) => {
        switch (frame.type) {
          case 'chat_message':
            typingIn.remove(frame.message.conversationId, frame.message.senderId);
            sequencer.receive(frame.message);
            return;
          case 'chat_ack':
            outbox.handleAck(frame);
            // The ack is a delivery too; the fan-out copy of the same seq is then a duplicate.
            sequencer.receive(frame.message);
            return;
          case 'chat_sync_result':
            sequencer.receiveSync(frame);
            return;
          case 'read_state':
            if (frame.userId === connection.user?.id) reads.serverState(frame);
            receipts.receive(frame);
            events.emit('read_state', frame);
            return;
          case 'conversation_changed':
            // No access any more: a sync would only earn not_member errors.
            if (frame.change === 'removed') {
              sequencer.untrack(frame.conversationId);
              typingIn.forget(frame.conversationId);
              receipts.forget(frame.conversationId);
            }
            events.emit('conversation_changed', frame);
            return;
          case 'presence':
            presence.update(frame);
            return;
          case 'presence_snapshot':
            presence.replace(frame.users);
            return;
          case 'typing_update':
            typingIn.update(frame);
            return;
          case 'chat_resync':
            sequencer.resync(frame.conversationIds);
            return;
          case 'call_ring':
            events.emit('call_ring', frame);
            return;
          case 'call_update':
            events.emit('call_update', frame);
            return;
          case 'call_signal_in':
            events.emit('call_signal', frame);
            return;
          case 'error':
            if (outbox.handleError(frame)) return;
            if (frame.ref === 'chat_sync') sequencer.syncFailed();
            events.emit('error', ParleyClientError.fromFrame(frame));
            return;
        }
      },
      error: (error) => events.emit('error', error),
      disconnected: () => {
        connectionId = null;
        outbox.disconnected();
        sequencer.disconnected();
        typingOut.disconnected();
        typingIn.clear();
      },
      closed: (info) => events.emit('closed', info),
    },
  );

  return {
    get status() {
      return connection.status;
    },
    get user() {
      return connection.user;
    },
    get connectionId() {
      return connectionId;
    },
    ...calls,
    connect: () => connection.connect(),
    close: () => {
      connection.close();
      // No timers may outlive a closed client (a Node process would otherwise linger).
      outbox.dispose();
      reads.dispose();
    },
    reconnectNow: () => connection.reconnectNow(),
    on: (event, listener) => events.on(event, listener),
    send: (conversationId, body) => {
      // Stop first so the others' indicator goes before the message lands. If the body is then
      // rejected, the next keystroke restarts typing at once (a stop clears the throttle).
      typingOut.set(conversationId, false);
      return outbox.add(conversationId, body);
    },
    retry: (clientId) => outbox.retry(clientId),
    discard: (clientId) => outbox.discard(clientId),
    outbox: (conversationId) => outbox.list(conversationId),
    track: (conversationId, lastSeq) => sequencer.track(conversationId, lastSeq),
    untrack: (conversationId) => sequencer.untrack(conversationId),
    lastSeq: (conversationId) => sequencer.lastSeq(conversationId),
    markRead: (conversationId, seq) => reads.mark(conversationId, seq),
    presence: (userId) => presence.get(userId),
    get activity() {
      return activity;
    },
    setActivity: (state) => {
      if (state === activity) return;
      activity = state;
      if (isReady()) connection.send({ type: 'presence_set', state });
    },
    setTyping: (conversationId, active) => typingOut.set(conversationId, active),
    typingUsers: (conversationId) => typingIn.users(conversationId),
    readStates: (conversationId) => receipts.get(conversationId),
    seedReadStates: (conversationId, states) => {
      for (const [userId, seq] of Object.entries(states)) receipts.update(conversationId, userId, seq);
    },
  };
}
