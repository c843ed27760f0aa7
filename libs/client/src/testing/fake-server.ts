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
  ChatSendFrame,
  ClientFrame,
  ErrorFrame,
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

export interface FakeGatewayOptions {
  user?: PublicUser;
  /** Decides from the upgrade's Cookie header; false sends error unauthorized and closes 4001. */
  authorize?: (cookie: string | undefined) => boolean;
  heartbeatIntervalMs?: number;
  /** Page size for chat_sync when the client sends no limit. */
  syncPageSize?: number;
}

/**
 * Presence and typing, as far as one user's sockets can tell:
 * - after hello_ok it sends `presence_snapshot` with `gateway.presence`;
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
  /** Per chat_send; `attempt` counts frames seen for that clientId, from 1. */
  onSend: (frame: ChatSendFrame, attempt: number) => SendDecision;
  /** While false, new sockets are terminated at once (an unreachable server). */
  accepting: boolean;
  /** While false, pings get no pong (and nothing else is sent): a half-dead connection. */
  respondToPings: boolean;
  /** Sent as `presence_snapshot` right after each hello_ok. */
  presence: UserPresence[];
  /** Commits a message from another user; `fanOut: false` simulates a lost bus publish. */
  commit(conversationId: string, body: string, options?: { fanOut?: boolean }): Message;
  messages(conversationId: string): Message[];
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
  const store = new Map<string, Message[]>();
  const byClientId = new Map<string, Message>();
  const attempts = new Map<string, number>();
  const sockets = new Set<WebSocket>();
  const connectionIds = new Map<WebSocket, string>();
  const received: ClientFrame[] = [];
  let connectionCount = 0;

  const write = (socket: WebSocket, frame: ServerFrame | string): void => {
    if (socket.readyState === socket.OPEN) socket.send(typeof frame === 'string' ? frame : encodeFrame(frame));
  };

  const store1 = (conversationId: string, body: string, senderId: string, clientId: string): Message => {
    const list = store.get(conversationId) ?? [];
    store.set(conversationId, list);
    const message: Message = {
      id: randomUUID(),
      conversationId,
      seq: list.length + 1,
      senderId,
      clientId,
      kind: 'text',
      body,
      createdAt: new Date().toISOString(),
    };
    list.push(message);
    return message;
  };

  const gateway: FakeGateway = {
    url: `ws://127.0.0.1:${port}/ws`,
    user,
    received,
    get connectionCount() {
      return connectionCount;
    },
    onSend: () => 'commit',
    accepting: true,
    respondToPings: true,
    presence: [],
    commit(conversationId, body, commitOptions = {}) {
      const message = store1(conversationId, body, OTHER_USER_ID, randomUUID());
      if (commitOptions.fanOut !== false) gateway.broadcast({ type: 'chat_message', message });
      return message;
    },
    messages: (conversationId) => [...(store.get(conversationId) ?? [])],
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
    const existing = byClientId.get(frame.clientId);
    if (existing) {
      write(socket, { type: 'chat_ack', clientId: frame.clientId, message: existing, duplicate: true });
      return;
    }
    const message = store1(frame.conversationId, frame.body, user.id, frame.clientId);
    byClientId.set(frame.clientId, message);
    if (decision === 'commit_silently') return;
    write(socket, { type: 'chat_ack', clientId: frame.clientId, message, duplicate: false });
    gateway.broadcast({ type: 'chat_message', message });
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
        });
        write(socket, { type: 'presence_snapshot', users: gateway.presence });
        return;
      case 'ping':
        if (gateway.respondToPings) write(socket, { type: 'pong', nonce: frame.nonce });
        return;
      case 'chat_send':
        handleSend(socket, frame);
        return;
      case 'chat_sync': {
        const limit = frame.limit ?? options.syncPageSize ?? MAX_SYNC_PAGE;
        const after = (store.get(frame.conversationId) ?? []).filter((m) => m.seq > frame.afterSeq);
        write(socket, {
          type: 'chat_sync_result',
          conversationId: frame.conversationId,
          afterSeq: frame.afterSeq,
          messages: after.slice(0, limit),
          hasMore: after.length > limit,
        });
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
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
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
