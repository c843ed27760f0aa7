import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebSocket, RawData } from 'ws';
import {
  CLOSE_CODES,
  encodeFrame,
  errorFrame,
  errorFrameFrom,
  parseClientFrame,
  type ClientFrame,
  type EncodedFrame,
  type ServerFrame,
} from '@parley/protocol';
import type { ResolvedSession } from '@parley/api';
import { createTokenBucket } from '@parley/realtime';
import type { GatewayDeps } from '../deps.ts';
import { expectedErrorOf } from './expected-error.ts';
import { createCallHandlers } from './handlers/calls.ts';
import { createChatHandlers } from './handlers/chat.ts';
import { createHelloHandler, type UpgradeMemberships } from './handlers/hello.ts';
import { createPresenceHandlers } from './handlers/presence.ts';
import { createSocketTyping } from './handlers/typing.ts';
import type { FrameHandlers, SocketSession } from './socket-session.ts';
import { toHubSocket } from './socket-adapter.ts';

// Any frame: a client over this is misbehaving, not chatting; it is disconnected.
const FRAME_RATE = { capacity: 200, refillPerSecond: 50 } as const;

export interface ConnectionContext {
  ws: WebSocket;
  deps: GatewayDeps;
  session: ResolvedSession;
  /**
   * The user's conversations as the upgrade's lookup read them: hello subscribes to them and
   * then re-checks. Apart from the session, so nothing holds them once hello has used them.
   */
  upgrade: UpgradeMemberships;
  helloTimeoutMs: number;
}

/**
 * One authenticated socket: its lifecycle (heartbeat, hello deadline, session expiry, close),
 * and every frame parsed at the edge, rate-limited, then dispatched to the handler of its type
 * (`handlers/`: hello, chat, presence and typing, calls). Failures answer with an error frame
 * (the socket stays usable) unless they end the session.
 */
export function handleConnection({ ws, deps, session: resolved, upgrade, helloTimeoutMs }: ConnectionContext): void {
  const { logger, metrics, hub, presence, calls } = deps;
  const user = resolved.user;
  const hubSocket = toHubSocket(ws, { id: randomUUID(), userId: user.id, sessionId: resolved.id });
  let closed = false;
  let log: Logger | undefined;
  const session: SocketSession = {
    user,
    socketId: hubSocket.id,
    hubSocket,
    deps,
    // Made on first use: most sockets never log, and a pino child per socket costs ~0.5 KB.
    get log() {
      log ??= logger.child({ connectionId: hubSocket.id, userId: user.id });
      return log;
    },
    send: (frame: ServerFrame | EncodedFrame) => hubSocket.send(encodeFrame(frame)),
    isClosed: () => closed,
    onClose: (listener) => (closed ? listener() : void ws.once('close', listener)),
  };
  const frameBucket = createTokenBucket(FRAME_RATE);

  const helloTimer = setTimeout(() => hubSocket.close(CLOSE_CODES.hello_timeout.code, 'hello_timeout'), helloTimeoutMs);
  const hello = createHelloHandler(session, { accepted: () => clearTimeout(helloTimer), upgrade });
  const typing = createSocketTyping(session);
  const handlers: FrameHandlers<ClientFrame> = {
    hello: (frame) => hello.onHello(frame),
    ping: (frame) => session.send({ type: 'pong', ...(frame.nonce === undefined ? {} : { nonce: frame.nonce }) }),
    ...createChatHandlers(session, typing),
    ...createPresenceHandlers(session, typing),
    ...createCallHandlers(session),
  };

  function dispatch(frame: ClientFrame): Promise<void> | void {
    if (frame.type !== 'hello' && hello.state !== 'ready') return session.send(errorFrame('hello_required', { ref: frame.type }));
    const handler = handlers[frame.type] as (f: ClientFrame) => Promise<void> | void;
    return handler(frame);
  }

  // Pings from the node's liveness sweep catch half-open TCP; any frame or pong is life.
  const alive = deps.liveness.watch({
    ping: () => ws.ping(),
    terminate: () => ws.terminate(),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  });
  ws.on('pong', alive.heard);
  const expiryTimer = closeWhenExpired(resolved.expiresAt, () => hubSocket.close(CLOSE_CODES.unauthorized.code, 'session_expired'));

  ws.on('message', (data: RawData, isBinary: boolean) => {
    alive.heard();
    // Closing (signed out, removed by the hub, rate-limited...): what still arrives is not handled.
    if (ws.readyState !== ws.OPEN) return;
    // The expiry timer fires on time unless the event loop was busy; a frame never outruns it.
    if (Date.now() >= resolved.expiresAt.getTime()) return hubSocket.close(CLOSE_CODES.unauthorized.code, 'session_expired');
    deps.sessionActivity.seen(resolved.id);
    if (!frameBucket.take().ok) {
      metrics.wsErrors.inc({ code: 'rate_limited' });
      return hubSocket.close(CLOSE_CODES.rate_limited.code, 'rate_limited');
    }
    if (isBinary) {
      metrics.wsErrors.inc({ code: 'binary_unsupported' });
      return session.send(errorFrame('binary_unsupported'));
    }
    const parsed = parseClientFrame(rawToString(data));
    if (!parsed.ok) {
      // The code only: a frame's content is people's words and must not reach a log.
      session.log.debug({ code: parsed.error.code }, 'frame refused');
      metrics.wsErrors.inc({ code: parsed.error.code });
      return session.send(errorFrameFrom(parsed.error, parsed.ref));
    }
    metrics.wsFrames.inc({ type: parsed.frame.type });
    void Promise.resolve()
      .then(() => dispatch(parsed.frame))
      .catch((error: unknown) => {
        const expected = expectedErrorOf(error);
        if (expected !== undefined) {
          metrics.wsErrors.inc({ code: expected.code });
          return session.send(errorFrameFrom(expected, parsed.ref));
        }
        session.log.error({ err: error, frameType: parsed.frame.type }, 'frame handler failed');
        metrics.wsErrors.inc({ code: 'internal' });
        session.send(errorFrame('internal', { ref: parsed.ref }));
      });
  });

  ws.on('close', (code: number) => {
    if (logger.isLevelEnabled('debug')) session.log.debug({ code }, 'socket closed');
    closed = true;
    clearTimeout(helloTimer);
    clearTimeout(expiryTimer.current);
    alive.remove();
    if (hello.state !== 'ready') return;
    typing.stopAll();
    void hub.detach(hubSocket.id);
    // Closed because the session ended (signed out, revoked, expired): nobody reloads, no grace.
    const sessionEnded = hubSocket.closedWith === CLOSE_CODES.unauthorized.code;
    presence.disconnect(hubSocket.id, { immediate: sessionEnded }).catch((error: unknown) => session.log.error({ err: error }, 'presence disconnect failed'));
    deps.activeViews.forget(hubSocket.id);
    calls.connectionClosed(hubSocket.id).catch((error: unknown) => session.log.error({ err: error }, 'call cleanup failed'));
  });
  ws.on('error', (error) => session.log.warn({ err: error }, 'socket error'));
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
