import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLOSE_CODES,
  MAX_FRAME_BYTES,
  MAX_SYNC_PAGE,
  PROTOCOL_VERSION,
  TYPING_TTL_MS,
  encodeFrame,
  errorFrame,
  parseClientFrame,
} from '@parley/protocol';
import type {
  ChatActionFrame,
  ChatSendFrame,
  ClientFrame,
  ErrorFrame,
  KnownEvent,
  Message,
  PublicUser,
  ServerFrame,
  UserPresence,
} from '@parley/protocol';

/**
 * What the fake gateway does with a chat_send:
 * - 'commit': store (idempotent by clientId), ack the sender, fan out to every socket.
 * - 'commit_silently': store but answer nothing, as if the ack was lost with the connection.
 * - 'drop': ignore the frame.
 * - an ErrorFrame: answer with it (set `ref` to the clientId).
 */
export type SendDecision = 'commit' | 'commit_silently' | 'drop' | ErrorFrame;

/** The gateway's admission control for actions, per socket (PROTOCOL.md §13). */
export interface FakeRateLimit {
  capacity: number;
  refillPerSecond: number;
  maxInFlight: number;
}

export const REAL_RATE_LIMIT: FakeRateLimit = { capacity: 30, refillPerSecond: 10, maxInFlight: 64 };

export interface FakeGatewayOptions {
  user?: PublicUser;
  /** Refuse actions over the bucket with rate_limited, as the gateway does. Default: no limit. */
  rateLimit?: FakeRateLimit;
  /** Delay between receiving an action and committing it (the database), in ms. Default 0. */
  commitDelayMs?: number;
  /**
   * Delay of the live `chat_event` copies, in ms, while acks go at once: an ack then arrives
   * before the live copies of earlier seqs, as it can through a busy gateway. Default 0.
   */
  liveDelayMs?: number;
  /** Decides from the upgrade's Cookie header; false sends error unauthorized and closes 4001. */
  authorize?: (cookie: string | undefined) => boolean;
  heartbeatIntervalMs?: number;
  /** Page size for chat_sync when the client sends no limit. */
  syncPageSize?: number;
}

/**
 * Presence and typing, as far as one user's sockets can tell:
 * - after hello_ok it sends `presence_snapshot` with `gateway.presence` (unless hello said
 *   `presence: "watch"`); `presence_watch` is answered with those of `gateway.presence` it names;
 * - `presence_set` is answered with this user's `presence` (idle -> away) to every socket;
 * - `typing` is forwarded as `typing_update` (TYPING_TTL_MS) to the other sockets.
 * Other users' presence, typing and reads are scripted with `broadcast`.
 *
 * Calls: `call_signal` is relayed as `call_signal_in` to the socket whose hello_ok carried
 * `toConnectionId` (no participation check); other call frames are only recorded in
 * `received`, and rings and updates are scripted with `broadcast`.
 */

export interface FakeGateway {
  readonly url: string;
  readonly user: PublicUser;
  /** Every valid frame received, in order, across connections. */
  readonly received: ClientFrame[];
  /** Sockets accepted so far (including the ones refused while not accepting). */
  readonly connectionCount: number;
  /** Actions refused with rate_limited so far. */
  readonly rateLimited: number;
  /** Per chat_send; `attempt` counts frames seen for that clientId, from 1. */
  onSend: (frame: ChatSendFrame, attempt: number) => SendDecision;
  /** While false, new sockets are terminated at once (an unreachable server). */
  accepting: boolean;
  /** While false, pings get no pong (and nothing else is sent): a half-dead connection. */
  respondToPings: boolean;
  /**
   * While true, every socket behaves as if the network vanished: frames from clients are
   * ignored and nothing is sent to them, and no close reaches anyone (until `terminateAll`).
   */
  blackhole: boolean;
  /** Sent as `presence_snapshot` right after each hello_ok. */
  presence: UserPresence[];
  /** False: a server that predates presence_watch (no hello_ok.presence, always a snapshot). Default true. */
  knowsPresenceWatch: boolean;
  /** Commits a message from another user; `fanOut: false` simulates a lost bus publish. */
  commit(conversationId: string, body: string, options?: { fanOut?: boolean }): Message;
  /**
   * Appends a raw event to the log (any kind, even one the SDK does not know), taking the next
   * seq, and fans it out unless `fanOut` is false. Returns it as sent.
   */
  append(conversationId: string, event: Record<string, unknown>, options?: { fanOut?: boolean }): Record<string, unknown>;
  /** Takes `count` seqs that no event will ever hold (a hole in the log). */
  skipSeqs(conversationId: string, count: number): void;
  /** Messages in their current state. */
  messages(conversationId: string): Message[];
  /** Every event of the log, as the wire carries it. */
  events(conversationId: string): unknown[];
  /** Sends a raw frame (or a raw string) to every open socket. */
  broadcast(frame: ServerFrame | string): void;
  /** Kills every socket without a close frame: the client sees 1006. */
  terminateAll(): void;
  closeAll(code: number, reason?: string): void;
  close(): Promise<void>;
}

/** Sender of `commit` messages. */
export const OTHER_USER_ID = '00000000-0000-4000-8000-0000000000b0';

export async function startFakeGateway(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as AddressInfo).port;
  const user: PublicUser = options.user ?? {
    id: '00000000-0000-4000-8000-0000000000a1',
    handle: 'alice',
    displayName: 'Alice',
  };
  /** conversationId -> the log (any JSON object with a seq), and its head. */
  const logs = new Map<string, { events: Array<Record<string, unknown> & { seq: number }>; head: number }>();
  const byClientId = new Map<string, KnownEvent>();
  const attempts = new Map<string, number>();
  const sockets = new Set<WebSocket>();
  const connectionIds = new Map<WebSocket, string>();
  const received: ClientFrame[] = [];
  let connectionCount = 0;
  let rateLimited = 0;
  const admission = new Map<WebSocket, { tokens: number; last: number; inFlight: number }>();

  const write = (socket: WebSocket, frame: ServerFrame | string): void => {
    if (gateway.blackhole) return;
    if (socket.readyState === socket.OPEN) socket.send(typeof frame === 'string' ? frame : encodeFrame(frame));
  };
  const later = (delayMs: number | undefined, run: () => void): void => {
    if (delayMs) setTimeout(run, delayMs);
    else run();
  };
  const broadcastEvent = (event: KnownEvent): void => later(options.liveDelayMs, () => gateway.broadcast({ type: 'chat_event', event }));

  /** The gateway's token bucket and in-flight cap, lazily refilled from the wall clock. */
  const admit = (socket: WebSocket, clientId: string): boolean => {
    const limit = options.rateLimit;
    if (!limit) return true;
    let state = admission.get(socket);
    if (!state) admission.set(socket, (state = { tokens: limit.capacity, last: Date.now(), inFlight: 0 }));
    const now = Date.now();
    state.tokens = Math.min(limit.capacity, state.tokens + ((now - state.last) * limit.refillPerSecond) / 1000);
    state.last = now;
    const refuse = (retryAfterMs: number): false => {
      rateLimited += 1;
      write(socket, errorFrame('rate_limited', { ref: clientId, retryAfterMs }));
      return false;
    };
    if (state.tokens + 1e-9 < 1) return refuse(Math.ceil(((1 - state.tokens) * 1000) / limit.refillPerSecond));
    // As the gateway: the token is spent before the in-flight check.
    state.tokens = Math.max(0, state.tokens - 1);
    if (state.inFlight >= limit.maxInFlight) return refuse(250);
    state.inFlight += 1;
    return true;
  };
  const committed = (socket: WebSocket): void => {
    const state = admission.get(socket);
    if (state) state.inFlight -= 1;
  };

  const logOf = (conversationId: string) => {
    let log = logs.get(conversationId);
    if (!log) logs.set(conversationId, (log = { events: [], head: 0 }));
    return log;
  };
  const appendEvent = <E extends Record<string, unknown>>(conversationId: string, build: (seq: number, createdAt: string) => E): E & { seq: number } => {
    const log = logOf(conversationId);
    log.head += 1;
    const event = { ...build(log.head, new Date().toISOString()), seq: log.head };
    log.events.push(event);
    return event;
  };
  const messagesOf = (conversationId: string): Message[] =>
    logOf(conversationId).events.flatMap((e) => (e.kind === 'message_created' ? [(e as unknown as { message: Message }).message] : []));

  const store1 = (conversationId: string, body: string, senderId: string, clientId: string, replyTo?: string): KnownEvent => {
    const parent = replyTo ? messagesOf(conversationId).find((m) => m.id === replyTo) : undefined;
    return appendEvent(conversationId, (seq, createdAt) => ({
      kind: 'message_created' as const,
      conversationId,
      actorId: senderId,
      createdAt,
      message: {
        id: randomUUID(),
        conversationId,
        seq,
        senderId,
        clientId,
        kind: 'text' as const,
        body,
        replyTo: parent ? { messageId: parent.id, seq: parent.seq, senderId: parent.senderId, kind: 'text', excerpt: parent.body } : null,
        mentions: [],
        editedAt: null,
        deletedAt: null,
        reactions: [],
        createdAt,
      },
    })) as KnownEvent;
  };

  /** Edits, deletes and reactions: stored as events (no authorization), acked and fanned out. */
  const storeChange = (frame: Exclude<ChatActionFrame, ChatSendFrame>): KnownEvent => {
    const target = messagesOf(frame.conversationId).find((m) => m.id === frame.messageId);
    const base = { conversationId: frame.conversationId, actorId: user.id, messageId: frame.messageId, messageSeq: target?.seq ?? 0 };
    return appendEvent(frame.conversationId, (_seq, createdAt) => {
      switch (frame.type) {
        case 'chat_edit':
          return { ...base, createdAt, kind: 'message_edited' as const, body: frame.body, mentions: [], editedAt: createdAt };
        case 'chat_delete':
          return { ...base, createdAt, kind: 'message_deleted' as const, deletedAt: createdAt };
        case 'chat_react':
          return { ...base, createdAt, kind: frame.action === 'add' ? ('reaction_added' as const) : ('reaction_removed' as const), emoji: frame.emoji };
      }
    }) as KnownEvent;
  };

  const gateway: FakeGateway = {
    url: `ws://127.0.0.1:${port}/ws`,
    user,
    received,
    get connectionCount() {
      return connectionCount;
    },
    get rateLimited() {
      return rateLimited;
    },
    onSend: () => 'commit',
    accepting: true,
    respondToPings: true,
    blackhole: false,
    presence: [],
    knowsPresenceWatch: true,
    commit(conversationId, body, commitOptions = {}) {
      const event = store1(conversationId, body, OTHER_USER_ID, randomUUID());
      if (commitOptions.fanOut !== false) broadcastEvent(event);
      if (event.kind !== 'message_created') throw new Error('unreachable');
      return event.message;
    },
    append(conversationId, raw, appendOptions = {}) {
      const event = appendEvent(conversationId, () => ({ conversationId, ...raw }));
      if (appendOptions.fanOut !== false) gateway.broadcast(JSON.stringify({ type: 'chat_event', event }));
      return event;
    },
    skipSeqs(conversationId, count) {
      logOf(conversationId).head += count;
    },
    messages: messagesOf,
    events: (conversationId) => [...logOf(conversationId).events],
    broadcast(frame) {
      for (const socket of sockets) write(socket, frame);
    },
    terminateAll() {
      for (const socket of sockets) socket.terminate();
    },
    closeAll(code, reason) {
      for (const socket of sockets) socket.close(code, reason);
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };

  const handleSend = (socket: WebSocket, frame: ChatSendFrame): void => {
    const attempt = (attempts.get(frame.clientId) ?? 0) + 1;
    attempts.set(frame.clientId, attempt);
    const decision = gateway.onSend(frame, attempt);
    if (decision === 'drop') return;
    if (typeof decision === 'object') {
      write(socket, decision);
      return;
    }
    if (!admit(socket, frame.clientId)) return;
    later(options.commitDelayMs, () => {
      committed(socket);
      const existing = byClientId.get(frame.clientId);
      if (existing) {
        write(socket, { type: 'chat_ack', clientId: frame.clientId, event: existing, duplicate: true });
        return;
      }
      const event = store1(frame.conversationId, frame.body, user.id, frame.clientId, frame.replyTo);
      byClientId.set(frame.clientId, event);
      if (decision === 'commit_silently') return;
      // As the gateway does: the live copy first, then the ack.
      broadcastEvent(event);
      write(socket, { type: 'chat_ack', clientId: frame.clientId, event, duplicate: false });
    });
  };

  const handleChange = (socket: WebSocket, frame: Exclude<ChatActionFrame, ChatSendFrame>): void => {
    if (!admit(socket, frame.clientId)) return;
    later(options.commitDelayMs, () => {
      committed(socket);
      const event = byClientId.get(frame.clientId) ?? storeChange(frame);
      const duplicate = byClientId.has(frame.clientId);
      byClientId.set(frame.clientId, event);
      broadcastEvent(event);
      write(socket, { type: 'chat_ack', clientId: frame.clientId, event, duplicate });
    });
  };

  const handle = (socket: WebSocket, frame: ClientFrame): void => {
    switch (frame.type) {
      case 'hello':
        if (frame.protocol !== PROTOCOL_VERSION) {
          write(socket, errorFrame('version_unsupported'));
          socket.close(CLOSE_CODES.version_unsupported.code, 'version_unsupported');
          return;
        }
        connectionIds.set(socket, randomUUID());
        write(socket, {
          type: 'hello_ok',
          protocol: PROTOCOL_VERSION,
          user,
          connectionId: connectionIds.get(socket)!,
          heartbeatIntervalMs: options.heartbeatIntervalMs ?? 25_000,
          maxFrameBytes: MAX_FRAME_BYTES,
          serverTime: new Date().toISOString(),
          ...(gateway.knowsPresenceWatch ? { presence: frame.presence ?? 'contacts' } : {}),
        });
        if (frame.presence !== 'watch' || !gateway.knowsPresenceWatch) write(socket, { type: 'presence_snapshot', users: gateway.presence });
        return;
      case 'presence_watch':
        write(socket, { type: 'presence_snapshot', users: gateway.presence.filter((p) => frame.userIds.includes(p.userId)) });
        return;
      case 'ping':
        if (gateway.respondToPings) write(socket, { type: 'pong', nonce: frame.nonce });
        return;
      case 'chat_send':
        handleSend(socket, frame);
        return;
      case 'chat_edit':
      case 'chat_delete':
      case 'chat_react':
        handleChange(socket, frame);
        return;
      case 'chat_sync': {
        const limit = frame.limit ?? options.syncPageSize ?? MAX_SYNC_PAGE;
        const log = logOf(frame.conversationId);
        const after = log.events.filter((e) => e.seq > frame.afterSeq);
        const page = after.slice(0, limit);
        const hasMore = after.length > limit;
        // Raw JSON, as a gateway would send it: events of kinds this SDK does not know included.
        write(
          socket,
          JSON.stringify({
            type: 'chat_sync_result',
            conversationId: frame.conversationId,
            afterSeq: frame.afterSeq,
            events: page,
            hasMore,
            throughSeq: Math.max(frame.afterSeq, hasMore ? (page.at(-1)?.seq ?? frame.afterSeq) : log.head),
          }),
        );
        return;
      }
      case 'chat_read':
        gateway.broadcast({
          type: 'read_state',
          conversationId: frame.conversationId,
          userId: user.id,
          lastReadSeq: frame.seq,
        });
        return;
      case 'presence_set':
        gateway.broadcast({
          type: 'presence',
          userId: user.id,
          status: frame.state === 'idle' ? 'away' : 'online',
          lastSeenAt: null,
        });
        return;
      case 'typing':
        for (const other of sockets) {
          if (other === socket) continue;
          write(other, {
            type: 'typing_update',
            conversationId: frame.conversationId,
            userId: user.id,
            active: frame.active,
            expiresInMs: TYPING_TTL_MS,
          });
        }
        return;
      case 'call_signal':
        for (const [other, id] of connectionIds) {
          if (id !== frame.toConnectionId) continue;
          write(other, {
            type: 'call_signal_in',
            callId: frame.callId,
            fromConnectionId: connectionIds.get(socket) ?? '',
            fromUserId: user.id,
            data: frame.data,
          });
        }
        return;
      case 'call_invite':
      case 'call_accept':
      case 'call_decline':
      case 'call_hangup':
        return;
    }
  };

  wss.on('connection', (socket, request) => {
    connectionCount += 1;
    if (!gateway.accepting) {
      socket.terminate();
      return;
    }
    if (options.authorize && !options.authorize(request.headers.cookie)) {
      write(socket, errorFrame('unauthorized'));
      socket.close(CLOSE_CODES.unauthorized.code, 'unauthorized');
      return;
    }
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      connectionIds.delete(socket);
      admission.delete(socket);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary || gateway.blackhole) return;
      const parsed = parseClientFrame(data.toString());
      if (!parsed.ok) {
        write(socket, errorFrame(parsed.error.code, { message: parsed.error.message, ref: parsed.ref }));
        return;
      }
      received.push(parsed.frame);
      handle(socket, parsed.frame);
    });
  });

  return gateway;
}
