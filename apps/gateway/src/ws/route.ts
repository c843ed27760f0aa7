import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { resolveSocketSession } from '@parley/api';
import { isPoolWaitTimeout } from '@parley/db';
import { CLOSE_CODES, HELLO_TIMEOUT_MS, encodeFrame, errorFrame, isAppError } from '@parley/protocol';
import type { GatewayDeps } from '../deps.ts';
import { originAllowed, sessionTokenOf } from '../http/session.ts';
import { refuseForNow } from './admission.ts';
import { handleConnection } from './connection.ts';

/** Frames kept while a socket waits for its session lookup (the frame-rate burst). */
const MAX_EARLY_FRAMES = 200;

export interface WsRouteOptions {
  deps: GatewayDeps;
  allowedOrigins: ReadonlySet<string>;
  helloTimeoutMs?: number;
}

/**
 * `/ws`. A disallowed Origin is refused before the upgrade (HTTP 403): a cross-site page must
 * never hold a socket riding the user's cookie. A missing or dead session upgrades and then
 * closes with 4001, so browser clients can tell "sign in again" from a network failure.
 */
export function registerWsRoute(app: FastifyInstance, options: WsRouteOptions): void {
  const { deps } = options;
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!originAllowed(request, options.allowedOrigins)) {
          deps.metrics.wsConnections.inc({ outcome: 'forbidden_origin' });
          return reply.code(403).send({ error: 'forbidden_origin', message: 'Origin not allowed' });
        }
      },
    },
    async (socket, request) => {
      const onEarlyError = releaseUpgrade(socket, request.raw, deps);
      // Buffer frames that arrive while the session lookup waits or runs; replay them after. A
      // client has no reason to send more than a few before hello_ok: past the frame-rate
      // burst it is flooding, and is closed as the rate limit would.
      const early: Array<[Buffer, boolean]> = [];
      const buffer = (data: Buffer, isBinary: boolean) => {
        if (early.push([data, isBinary]) > MAX_EARLY_FRAMES) socket.close(CLOSE_CODES.rate_limited.code, 'rate_limited');
      };
      socket.on('message', buffer);
      const token = sessionTokenOf(request);
      const lookup = await deps.admission
        .run(
          'session',
          () => resolveSocketSession(deps.db, token).catch((error: unknown) => {
            // Every connection stayed busy for the whole pool wait (a storm on a starved CPU):
            // that is a queue, not an outage. Wait once more before the client pays a 1011.
            if (!isPoolWaitTimeout(error)) throw error;
            return resolveSocketSession(deps.db, token);
          }),
          () => socket.readyState !== socket.OPEN,
        )
        .then(
          (session) => ({ ok: true as const, session }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      const readAt = Date.now();
      socket.off('message', buffer);
      if (!lookup.ok) {
        if (isAppError(lookup.error) && lookup.error.code === 'overloaded') return refuseForNow(socket, lookup.error);
        deps.logger.error({ err: lookup.error }, 'session lookup failed during upgrade');
        return socket.close(CLOSE_CODES.internal.code, 'internal');
      }
      const found = lookup.session;
      // Closed while it waited for its turn or for the lookup: nothing to set up (its close
      // event has fired already, so nothing would tear it down either).
      if (found === undefined || socket.readyState !== socket.OPEN) return;
      if (!found) {
        deps.metrics.wsConnections.inc({ outcome: 'unauthorized' });
        socket.send(encodeFrame(errorFrame('unauthorized')));
        return socket.close(CLOSE_CODES.unauthorized.code, 'unauthorized');
      }
      deps.metrics.wsConnections.inc({ outcome: 'accepted' });
      // handleConnection listens for errors itself, with the user's logger.
      socket.off('error', onEarlyError);
      const { conversationIds, ...session } = found;
      handleConnection({
        ws: socket,
        deps,
        session,
        upgrade: { conversationIds, readAt },
        helloTimeoutMs: options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
      });
      for (const [data, isBinary] of early) socket.emit('message', data, isBinary);
    },
  );
}

/**
 * Lets the upgrade's HTTP objects go once the socket is ours. The upgraded TCP socket still
 * points at the ServerResponse that @fastify/websocket made for routing (`_httpMessage`), which
 * holds the IncomingMessage, Fastify's Request and Reply, their logger and headers (the CSP
 * header alone is ~450 bytes); and the plugin's 'error' listener closes over the same Request
 * and Reply. Both live as long as the connection: about 3 KB per idle socket that nothing reads
 * again. The listener is replaced by one that only logs (ws closes the socket on its errors
 * by itself) until connection.ts adds its own; the caller removes it then.
 */
function releaseUpgrade(socket: WebSocket, raw: IncomingMessage, deps: GatewayDeps): (error: Error) => void {
  const tcp = raw.socket as Socket & { _httpMessage?: { detachSocket?: (s: Socket) => void } | null };
  tcp._httpMessage?.detachSocket?.(tcp);
  socket.removeAllListeners('error');
  const onError = (error: Error) => deps.logger.debug({ err: error }, 'socket error before the session was known');
  socket.on('error', onError);
  return onError;
}
