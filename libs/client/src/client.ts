import { MAX_PRESENCE_WATCH, type Attachment, type ConnectionState, type ConversationEvent, type PublicUser, type ReadStateFrame, type UserPresence } from '@parley/protocol';
import { systemClock, type Clock } from './clock.ts';
import { createCallApi, type CallApi } from './call-api.ts';
import { randomClientId, randomUuid } from './client-id.ts';
import { Connection, type ClientStatus } from './connection.ts';
import type { Connectivity } from './connectivity.ts';
import { Emitter } from './emitter.ts';
import { ParleyClientError } from './errors.ts';
import type { ParleyClientEvents } from './events.ts';
import { Outbox } from './outbox.ts';
import type { OutboxAction, OutboxEntry, WaitingReason } from './outbox-entry.ts';
import { OutboxPersistence } from './outbox-persistence.ts';
import type { OutboxStore } from './outbox-store.ts';
import { DEFAULT_PACING, type PacingOptions } from './send-pacer.ts';
import { PresenceStore } from './presence-store.ts';
import { ReadReceipts } from './read-receipts.ts';
import { READ_FLUSH_DELAY_MS, ReadMarker } from './read-marker.ts';
import { exponentialBackoff, type ReconnectPolicy } from './reconnect-policy.ts';
import { ConversationSequencer } from './sequencer.ts';
import type { WebSocketConstructorLike } from './socket.ts';
import { TypingSender } from './typing-sender.ts';
import { TypingTracker } from './typing-tracker.ts';

/** No ack this long on a live socket: resend with the same clientId (then 2x, 4x, 8x longer). */
export const ACK_TIMEOUT_MS = 10_000;
/**
 * No ack this long: check the socket with a ping. A commit takes tens of milliseconds, so an
 * action waiting this long is the first sign of a connection that died without a close event.
 */
export const ACK_DOUBT_MS = 1_500;
/** `internal` errors in a row before an entry fails (a bug that fails every time must end). */
export const MAX_INTERNAL_ERRORS = 5;

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
  /** An unanswered ping (heartbeat or probe) drops the socket after this; default LIVENESS_TIMEOUT_MS. */
  livenessTimeoutMs?: number;
  /** The device's network state at start: `navigator.onLine` in browsers. Default true. */
  networkOnline?: boolean;
  ackTimeoutMs?: number;
  ackDoubtMs?: number;
  maxInternalErrors?: number;
  /** Client-side pacing of actions under the server's rate limit (PROTOCOL.md §13). */
  pacing?: Partial<PacingOptions>;
  /**
   * Where unsent actions survive reloads; default: memory only. In browsers use
   * `createIndexedDbOutboxStore` from `@parley/client/indexeddb`, one per signed-in user.
   */
  outboxStore?: OutboxStore;
  /** This tab's id for the store's leases; stable across reloads of a tab. Default: random. */
  outboxOwner?: string;
  /**
   * The user this client acts for (the owner of `outboxStore`). A hello_ok for anyone else
   * stops the client with `user_changed` before anything queued is sent. Default: the user of
   * the first hello_ok.
   */
  userId?: string;
  /** How long a gap in a conversation's log may stay open before a chat_sync; default GAP_GRACE_MS. */
  gapGraceMs?: number;
  /** Delay before coalesced chat_read frames go out. */
  readFlushDelayMs?: number;
  random?: () => number;
  clock?: Clock;
  newClientId?: () => string;
  /** Call ids for `callInvite`; default a random v4 UUID. */
  newCallId?: () => string;
  /**
   * `watch`: hear the presence of the users given to `watchPresence` only, and skip the
   * snapshot of every contact at connect (PROTOCOL.md §5.16); for big rooms. Default `contacts`.
   */
  presence?: 'contacts' | 'watch';
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
  /** Skip the remaining reconnect backoff. */
  reconnectNow(): void;
  /** What to show about the connection; changes arrive as `connectivity` events. */
  readonly connectivity: Connectivity;
  /**
   * Feed the browser's `online` / `offline` events (and network changes) here: offline shows
   * at once and the socket is checked; online reconnects now or checks the socket.
   */
  reportNetworkChange(online: boolean): void;
  /** Checks the socket with a short ping (e.g. when the page becomes visible again). */
  checkConnection(): void;
  on<E extends keyof ParleyClientEvents>(event: E, listener: ParleyClientEvents[E]): () => void;
  /** Queues a message; throws ParleyClientError('invalid_input') for an empty or too long body. */
  /** `attachments`: your uploads (POST /files) to send with it; `body` may then be '' (no caption). */
  send(conversationId: string, body: string, options?: { replyTo?: string; attachments?: Attachment[] }): OutboxEntry;
  /** Queues an edit of one of your own text messages (same validation as `send`). */
  edit(conversationId: string, messageId: string, body: string): OutboxEntry;
  /** Queues the deletion of one of your own text messages. */
  delete(conversationId: string, messageId: string): OutboxEntry;
  /** Queues adding or removing your reaction; throws `invalid_input` unless `emoji` is one emoji. */
  react(conversationId: string, messageId: string, emoji: string, action: 'add' | 'remove'): OutboxEntry;
  /** Puts a failed entry back in line (behind what is pending now). False if it is not failed. */
  retry(clientId: string): boolean;
  /**
   * Removes a pending or failed entry for good. False while it is on the wire (`inFlight`): the
   * server may be committing it. See the README for what "cancelled" can and cannot promise.
   */
  cancel(clientId: string): boolean;
  /** @deprecated Same as `cancel`. */
  discard(clientId: string): boolean;
  /** Entries not yet acked (sending, waiting or failed), oldest first. */
  outbox(conversationId?: string): OutboxEntry[];
  track(conversationId: string, lastSeq: number): void;
  untrack(conversationId: string): void;
  lastSeq(conversationId: string): number | undefined;
  markRead(conversationId: string, seq: number): void;
  /** Last known status of a user who shares a conversation with us (and is watched, in watch mode). */
  presence(userId: string): UserPresence | undefined;
  /**
   * Hear the presence of these users only (the people on screen), from now on and after every
   * reconnect; puts the client in watch mode. Throws `invalid_input` beyond MAX_PRESENCE_WATCH.
   */
  watchPresence(userIds: readonly string[]): void;
  /** This connection's activity as last set (the server assumes 'active' on connect). */
  readonly activity: ConnectionState;
  /** Sends presence_set when the state changes; an 'idle' state is re-sent after every hello_ok. */
  setActivity(state: ConnectionState): void;
  /**
   * The conversation this client shows in a visible, focused window, or null. Sent with
   * presence_set (its `viewing`), so the server sends no Web Push for it; re-sent after every hello_ok.
   */
  setViewing(conversationId: string | null): void;
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
    clock,
    gapGraceMs: options.gapGraceMs,
    deliver: (event: ConversationEvent) => {
      // Their message ends their typing indicator there.
      if (event.kind === 'message_created') typingIn.remove(event.conversationId, event.message.senderId);
      events.emit('event', event);
    },
    requestSync: (conversationId, afterSeq) =>
      isReady() && connection.send({ type: 'chat_sync', conversationId, afterSeq }),
  });

  const persistence = options.outboxStore
    ? new OutboxPersistence({
        store: options.outboxStore,
        owner: options.outboxOwner ?? randomUuid(),
        clock,
        failed: (error) => events.emit('error', error),
      })
    : undefined;
  const outbox = new Outbox({
    clock,
    transmit: (frame) => isReady() && connection.send(frame),
    changed: (entry) => events.emit('send_state', entry),
    newClientId: options.newClientId ?? randomClientId,
    ackTimeoutMs: options.ackTimeoutMs ?? ACK_TIMEOUT_MS,
    ackDoubtMs: options.ackDoubtMs ?? ACK_DOUBT_MS,
    maxInternalErrors: options.maxInternalErrors ?? MAX_INTERNAL_ERRORS,
    retryDelayMs: (retries) => sendBackoff.nextDelayMs(retries - 1) ?? 0,
    pacing: { ...DEFAULT_PACING, ...options.pacing },
    doubt: () => connection.probe(),
    journal: persistence,
  });
  persistence?.attach(outbox);

  const reads = new ReadMarker({
    clock,
    flushDelayMs: options.readFlushDelayMs ?? READ_FLUSH_DELAY_MS,
    isReady,
    transmit: (conversationId, seq) => connection.send({ type: 'chat_read', conversationId, seq }),
  });

  const presence = new PresenceStore((entry) => events.emit('presence', entry));
  const receipts = new ReadReceipts();
  function applyReadState(frame: ReadStateFrame): void {
    if (frame.userId === connection.user?.id) reads.serverState(frame);
    receipts.receive(frame);
    events.emit('read_state', frame);
  }
  const typingOut = new TypingSender({
    clock,
    transmit: (conversationId, active) => isReady() && connection.send({ type: 'typing', conversationId, active }),
  });
  const typingIn = new TypingTracker({
    clock,
    selfId: () => connection.user?.id,
    changed: (change) => events.emit('typing', change),
  });
  let presenceMode = options.presence ?? 'contacts';
  let watched: string[] = [];
  /** hello_ok said which mode it applied: servers that predate presence_watch say nothing. */
  let serverWatches = false;
  const sendWatch = () => connection.send({ type: 'presence_watch', userIds: watched });
  let activity: ConnectionState = 'active';
  let viewing: string | null = null;
  const sendPresence = () => connection.send({ type: 'presence_set', state: activity, ...(viewing === null ? {} : { viewing }) });
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
      livenessTimeoutMs: options.livenessTimeoutMs,
      networkOnline: options.networkOnline,
      userId: options.userId,
      presenceMode: () => presenceMode,
      clock,
    },
    {
      status: (status, info) => events.emit('status', status, info),
      connectivity: (change) => events.emit('connectivity', change),
      expectingBulk: () => sequencer.syncing(),
      ready: (frame) => {
        connectionId = frame.connectionId;
        outbox.ready();
        persistence?.reconnected();
        sequencer.resume();
        reads.ready();
        if (activity === 'idle' || viewing !== null) sendPresence();
        serverWatches = frame.presence !== undefined;
        if (presenceMode === 'watch' && serverWatches) sendWatch();
        events.emit('ready', frame);
      },
      frame: (frame) => {
        switch (frame.type) {
          case 'chat_event':
            sequencer.receive(frame.event);
            return;
          case 'chat_ack':
            outbox.handleAck(frame);
            // The ack is a delivery too; the fan-out copy of the same seq is then a duplicate.
            if (frame.event) sequencer.receive(frame.event);
            return;
          case 'chat_sync_result':
            sequencer.receiveSync(frame);
            return;
          case 'chat_resync':
            sequencer.resync(frame.conversationIds);
            return;
          case 'read_state':
            applyReadState(frame);
            return;
          case 'read_state_batch':
            // The same as one read_state per reader (PROTOCOL.md §6.7), so listeners see no difference.
            for (const reader of frame.readers) applyReadState({ type: 'read_state', conversationId: frame.conversationId, ...reader });
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
          case 'settings_changed':
            events.emit('settings_changed', frame);
            return;
          case 'presence':
            presence.update(frame);
            return;
          case 'presence_batch':
            for (const user of frame.users) presence.update(user);
            return;
          case 'presence_snapshot':
            presence.replace(frame.users);
            return;
          case 'typing_update':
            typingIn.update(frame);
            return;
          case 'typing_batch':
            for (const update of frame.updates) typingIn.update({ type: 'typing_update', conversationId: frame.conversationId, ...update });
            return;
          case 'user_updated':
            events.emit('user_updated', frame.user);
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
            if (frame.ref !== undefined && outbox.handleError({ ...frame, ref: frame.ref, error: ParleyClientError.fromFrame(frame) })) return;
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
      closed: (info) => {
        // Stopped for good: say what the unsent actions now wait for.
        const waiting = waitingReasonOf(info.error?.reason);
        if (!info.willReconnect && waiting) outbox.disconnected(waiting);
        events.emit('closed', info);
      },
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
    get connectivity() {
      return connection.connectivity;
    },
    connect: () => {
      persistence?.start();
      connection.connect();
    },
    close: () => {
      connection.close();
      // No timers may outlive a closed client (a Node process would otherwise linger).
      persistence?.stop();
      outbox.dispose();
      reads.dispose();
      sequencer.dispose();
    },
    reconnectNow: () => connection.reconnectNow(),
    reportNetworkChange: (online) => connection.networkChanged(online),
    checkConnection: () => connection.probe(),
    on: (event, listener) => events.on(event, listener),
    send: (conversationId, body, sendOptions = {}) => {
      // Stop first so the others' indicator goes before the message lands. If the body is then
      // rejected, the next keystroke restarts typing at once (a stop clears the throttle).
      typingOut.set(conversationId, false);
      const action: OutboxAction = {
        type: 'send',
        body,
        ...(sendOptions.replyTo ? { replyTo: sendOptions.replyTo } : {}),
        ...(sendOptions.attachments?.length ? { attachments: sendOptions.attachments } : {}),
      };
      return outbox.add(conversationId, action);
    },
    edit: (conversationId, messageId, body) => outbox.add(conversationId, { type: 'edit', messageId, body }),
    delete: (conversationId, messageId) => outbox.add(conversationId, { type: 'delete', messageId }),
    react: (conversationId, messageId, emoji, action) => outbox.add(conversationId, { type: 'react', messageId, emoji, action }),
    retry: (clientId) => outbox.retry(clientId),
    cancel: (clientId) => outbox.cancel(clientId),
    discard: (clientId) => outbox.cancel(clientId),
    outbox: (conversationId) => outbox.list(conversationId),
    track: (conversationId, lastSeq) => sequencer.track(conversationId, lastSeq),
    untrack: (conversationId) => sequencer.untrack(conversationId),
    lastSeq: (conversationId) => sequencer.lastSeq(conversationId),
    markRead: (conversationId, seq) => reads.mark(conversationId, seq),
    presence: (userId) => presence.get(userId),
    watchPresence: (userIds) => {
      const unique = [...new Set(userIds)];
      if (unique.length > MAX_PRESENCE_WATCH) throw new ParleyClientError('invalid_input', `At most ${MAX_PRESENCE_WATCH} users can be watched at once`);
      presenceMode = 'watch';
      watched = unique;
      if (isReady() && serverWatches) sendWatch();
    },
    get activity() {
      return activity;
    },
    setActivity: (state) => {
      if (state === activity) return;
      activity = state;
      if (isReady()) sendPresence();
    },
    setViewing: (conversationId) => {
      if (conversationId === viewing) return;
      viewing = conversationId;
      if (isReady()) sendPresence();
    },
    setTyping: (conversationId, active) => typingOut.set(conversationId, active),
    typingUsers: (conversationId) => typingIn.users(conversationId),
    readStates: (conversationId) => receipts.get(conversationId),
    seedReadStates: (conversationId, states) => {
      for (const [userId, seq] of Object.entries(states)) receipts.update(conversationId, userId, seq);
    },
  };
}

function waitingReasonOf(reason: ParleyClientError['reason'] | undefined): WaitingReason | undefined {
  if (reason === 'unauthorized') return 'signed_out';
  if (reason === 'version_unsupported') return 'update_required';
  return undefined;
}
