import { randomUUID } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import {
  AppError,
  CLOSE_CODES,
  HEARTBEAT_INTERVAL_MS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  TYPING_TTL_MS,
  encodeFrame,
  errorFrame,
  errorFrameFrom,
  parseClientFrame,
  type ChatReadFrame,
  type ChatSendFrame,
  type ChatSyncFrame,
  type ClientFrame,
  type HelloFrame,
  type PresenceSetFrame,
  type ServerFrame,
  type TypingFrame,
  type UserPresence,
} from '@parley/protocol';
import { contactIdsOf, conversationIdsOfUser, isMember, markRead, messagesAfter } from '@parley/db';
import type { ResolvedSession } from '@parley/api';
import { createTokenBucket, createTypingThrottle, type HubSocket } from '@parley/realtime';
import type { GatewayDeps } from '../deps.ts';
import { statusesWithLastSeen } from '../presence.ts';
import { createSerialLane } from './serial-lane.ts';
import { expectedErrorOf } from './expected-error.ts';
import { toHubSocket } from './socket-adapter.ts';

// Sends: 10/s sustained, bursts of 30 (pasting a few lines quickly is normal).
const SEND_RATE = { capacity: 30, refillPerSecond: 10 } as const;
// Any frame: a client over this is misbehaving, not chatting; it is disconnected.
const FRAME_RATE = { capacity: 200, refillPerSecond: 50 } as const;
const SYNC_PAGE_DEFAULT = 100;
// Typing for a conversation we just found the user is not in is refused from memory this long.
const NOT_MEMBER_CACHE_MS = 5000;

export interface ConnectionContext {
  ws: WebSocket;
  deps: GatewayDeps;
  session: ResolvedSession;
  /** Re-checks the session (sign-out may have raced the upgrade). */
  sessionStillActive: () => Promise<boolean>;
  helloTimeoutMs: number;
}

/**
 * One authenticated socket: parses every frame at the edge, authorizes it, and dispatches.
 * Failures answer with an error frame (the socket stays usable) unless they end the session.
 */
export function handleConnection({ ws, deps, session, sessionStillActive, helloTimeoutMs }: ConnectionContext): void {
  const { hub, writer, db, logger, metrics, presence, calls } = deps;
  const user = session.user;
  const hubSocket: HubSocket = toHubSocket(ws, { id: randomUUID(), userId: user.id, sessionId: session.id });
  const log = logger.child({ connectionId: hubSocket.id, userId: user.id });
  const actor = { user, connectionId: hubSocket.id };
  const sendBucket = createTokenBucket(SEND_RATE);
  const frameBucket = createTokenBucket(FRAME_RATE);
  // Call frames of this device run in the order sent: an offer must reach the peer before its
  // candidates. Once the socket closed, queued invites, accepts and signals are dropped (they
  // would ring people or take a seat for a device that is gone); declines and hang-ups still run.
  const callLane = createSerialLane();
  const typing = createTypingThrottle();
  const notMemberUntil = new Map<string, number>();
  // none -> pending (hello being processed) -> ready. Only `ready` sockets get other frames.
  let hello: 'none' | 'pending' | 'ready' = 'none';
  let closed = false;

  const send = (frame: ServerFrame) => hubSocket.send(encodeFrame(frame));
  // Protocol-level pings catch half-open TCP: no pong (or any frame) for a whole interval ends it.
  let heardFrom = true;
  const heartbeat = setInterval(() => {
    if (!heardFrom) return ws.terminate();
    heardFrom = false;
    ws.ping();
  }, HEARTBEAT_INTERVAL_MS);
  ws.on('pong', () => (heardFrom = true));
  const helloTimer = setTimeout(() => hubSocket.close(CLOSE_CODES.hello_timeout.code, 'hello_timeout'), helloTimeoutMs);
  const expiryTimer = closeWhenExpired(session.expiresAt, () =>
    hubSocket.close(CLOSE_CODES.unauthorized.code, 'session_expired'),
  );

  async function onHello(frame: HelloFrame): Promise<void> {
    if (hello !== 'none') return send(errorFrame('already_hello', { ref: 'hello' }));
    if (frame.protocol !== PROTOCOL_VERSION) {
      send(errorFrame('version_unsupported', { message: `Server speaks protocol ${PROTOCOL_VERSION}`, ref: 'hello' }));
      return hubSocket.close(CLOSE_CODES.version_unsupported.code, 'version_unsupported');
    }
    clearTimeout(helloTimer);
    hello = 'pending';
    let snapshot: UserPresence[];
    try {
      const conversationIds = await conversationIdsOfUser(db, user.id);
      await hub.attach(hubSocket, conversationIds);
      // A join published between the read above and attach() missed this socket: re-read.
      const known = new Set(conversationIds);
      for (const id of await conversationIdsOfUser(db, user.id)) if (!known.has(id)) hub.joinConversation(user.id, id);
      // Attached first, then checked: a sign-out from now on reaches this socket through the
      // hub, and one that happened since the upgrade is caught here.
      if (!(await sessionStillActive())) {
        send(errorFrame('unauthorized', { ref: 'hello' }));
        hubSocket.close(CLOSE_CODES.unauthorized.code, 'signed_out');
        return await hub.detach(hubSocket.id);
      }
      await presence.connect(user.id, hubSocket.id, 'active');
      snapshot = await statusesWithLastSeen(db, presence, await contactIdsOf(db, user.id));
    } catch (error) {
      log.error({ err: error }, 'hello failed');
      hubSocket.close(CLOSE_CODES.internal.code, 'internal');
      await presence.disconnect(hubSocket.id);
      return await hub.detach(hubSocket.id);
    }
    if (closed) {
      await presence.disconnect(hubSocket.id);
      return await hub.detach(hubSocket.id);
    }
    hello = 'ready';
    send({
      type: 'hello_ok',
      protocol: PROTOCOL_VERSION,
      user,
      connectionId: hubSocket.id,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      maxFrameBytes: MAX_FRAME_BYTES,
      serverTime: new Date().toISOString(),
    });
    send({ type: 'presence_snapshot', users: snapshot });
    // A device that connects while a call rings rings too; running calls show so people can join.
    for (const frame of await calls.framesOnConnect(user)) send(frame);
  }

  async function onSend(frame: ChatSendFrame): Promise<void> {
    const rate = sendBucket.take();
    if (!rate.ok) {
      metrics.wsErrors.inc({ code: 'rate_limited' });
      return send(errorFrame('rate_limited', { ref: frame.clientId, retryAfterMs: rate.retryAfterMs }));
    }
    const { message, duplicate } = await writer.submit({
      senderId: user.id,
      conversationId: frame.conversationId,
      clientId: frame.clientId,
      body: frame.body,
    });
    send({ type: 'chat_ack', clientId: frame.clientId, message, duplicate });
    // Sending ends typing in that conversation, for everyone watching.
    if (typing.activeConversations().includes(frame.conversationId)) publishTyping(frame.conversationId, false);
    // A duplicate was published when first committed; a lost publish is healed by chat_sync.
    if (!duplicate) {
      metrics.messagesCommitted.inc();
      hub.publishToConversation(message.conversationId, { type: 'chat_message', message });
    }
  }

  async function onSync(frame: ChatSyncFrame): Promise<void> {
    if (!(await isMember(db, frame.conversationId, user.id))) throw new AppError('not_member');
    const page = await messagesAfter(db, {
      conversationId: frame.conversationId,
      afterSeq: frame.afterSeq,
      limit: frame.limit ?? SYNC_PAGE_DEFAULT,
    });
    send({ type: 'chat_sync_result', conversationId: frame.conversationId, afterSeq: frame.afterSeq, ...page });
  }

  async function onRead(frame: ChatReadFrame): Promise<void> {
    if (!(await isMember(db, frame.conversationId, user.id))) throw new AppError('not_member');
    const lastReadSeq = await markRead(db, { conversationId: frame.conversationId, userId: user.id, seq: frame.seq });
    // Every member hears it: receipts for the others, badges for this user's other tabs.
    hub.publishToConversation(frame.conversationId, { type: 'read_state', conversationId: frame.conversationId, userId: user.id, lastReadSeq });
  }

  function publishTyping(conversationId: string, active: boolean): void {
    if (!active) typing.clear(conversationId);
    hub.publishToConversation(conversationId, {
      type: 'typing_update',
      conversationId,
      userId: user.id,
      active,
      expiresInMs: active ? TYPING_TTL_MS : 0,
    });
  }

  async function onTyping(frame: TypingFrame): Promise<void> {
    // Refused recently: answer from memory, so a non-member's flood costs no query either.
    const refusedUntil = notMemberUntil.get(frame.conversationId);
    if (refusedUntil !== undefined && refusedUntil > Date.now()) throw new AppError('not_member');
    // Throttled before the membership query, so a flood costs no database work.
    if (!typing.accept(frame.conversationId, frame.active)) return;
    if (!(await isMember(db, frame.conversationId, user.id))) {
      typing.clear(frame.conversationId);
      notMemberUntil.set(frame.conversationId, Date.now() + NOT_MEMBER_CACHE_MS);
      throw new AppError('not_member');
    }
    publishTyping(frame.conversationId, frame.active);
  }

  function onPresenceSet(frame: PresenceSetFrame): Promise<void> {
    return presence.setState(hubSocket.id, frame.state);
  }

  function dispatch(frame: ClientFrame): Promise<void> | void {
    if (frame.type === 'hello') return onHello(frame);
    if (hello !== 'ready') return send(errorFrame('hello_required', { ref: frame.type }));
    switch (frame.type) {
      case 'ping':
        return send({ type: 'pong', ...(frame.nonce === undefined ? {} : { nonce: frame.nonce }) });
      case 'chat_send':
        return onSend(frame);
      case 'chat_sync':
        return onSync(frame);
      case 'chat_read':
        return onRead(frame);
      case 'typing':
        return onTyping(frame);
      case 'presence_set':
        return onPresenceSet(frame);
      case 'call_invite':
        return callLane.run(() => (closed ? undefined : calls.invite(actor, frame)));
      case 'call_accept':
        return callLane.run(() => (closed ? undefined : calls.accept(actor, frame)));
      case 'call_decline':
        return callLane.run(() => calls.decline(actor, frame));
      case 'call_hangup':
        return callLane.run(() => calls.hangup(actor, frame));
      case 'call_signal':
        return callLane.run(() => (closed ? undefined : calls.signal(actor, frame)));
      default: {
        const unreachable: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(unreachable)}`);
      }
    }
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    heardFrom = true;
    if (!frameBucket.take().ok) {
      metrics.wsErrors.inc({ code: 'rate_limited' });
      return hubSocket.close(CLOSE_CODES.rate_limited.code, 'rate_limited');
    }
    if (isBinary) {
      metrics.wsErrors.inc({ code: 'binary_unsupported' });
      return send(errorFrame('binary_unsupported'));
    }
    const parsed = parseClientFrame(rawToString(data));
    if (!parsed.ok) {
      metrics.wsErrors.inc({ code: parsed.error.code });
      return send(errorFrameFrom(parsed.error, parsed.ref));
    }
    metrics.wsFrames.inc({ type: parsed.frame.type });
    void Promise.resolve()
      .then(() => dispatch(parsed.frame))
      .catch((error: unknown) => {
        const expected = expectedErrorOf(error);
        if (expected !== undefined) {
          metrics.wsErrors.inc({ code: expected.code });
          return send(errorFrameFrom(expected, parsed.ref));
        }
        log.error({ err: error, frameType: parsed.frame.type }, 'frame handler failed');
        metrics.wsErrors.inc({ code: 'internal' });
        send(errorFrame('internal', { ref: parsed.ref }));
      });
  });

  ws.on('close', () => {
    closed = true;
    clearTimeout(helloTimer);
    clearTimeout(expiryTimer.current);
    clearInterval(heartbeat);
    if (hello !== 'ready') return;
    for (const conversationId of typing.activeConversations()) publishTyping(conversationId, false);
    void hub.detach(hubSocket.id);
    presence.disconnect(hubSocket.id).catch((error: unknown) => log.error({ err: error }, 'presence disconnect failed'));
    calls.connectionClosed(hubSocket.id).catch((error: unknown) => log.error({ err: error }, 'call cleanup failed'));
  });
  ws.on('error', (error) => log.warn({ err: error }, 'socket error'));
}

// setTimeout overflows past 2^31-1 ms (~24.8 days); longer waits re-arm in steps.
const MAX_TIMER_MS = 2_147_483_647;

function closeWhenExpired(expiresAt: Date, onExpired: () => void): { current: NodeJS.Timeout | undefined } {
  const handle: { current: NodeJS.Timeout | undefined } = { current: undefined };
  const arm = () => {
    const remainingMs = expiresAt.getTime() - Date.now();
    if (remainingMs <= 0) return onExpired();
    handle.current = setTimeout(arm, Math.min(remainingMs, MAX_TIMER_MS));
  };
  arm();
  return handle;
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
