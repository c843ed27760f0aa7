import {
  CLOSE_CODES,
  HEARTBEAT_INTERVAL_MS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  errorFrame,
  type HelloFrame,
  type UserPresence,
} from '@parley/protocol';
import { contactIdsOf, conversationIdsOfUser } from '@parley/db';
import { statusesWithLastSeen } from '../../presence.ts';
import type { SocketSession } from '../socket-session.ts';

export type HelloState = 'none' | 'pending' | 'ready';

export interface HelloHandler {
  /** none -> pending (hello being processed) -> ready. Only `ready` sockets get other frames. */
  readonly state: HelloState;
  onHello(frame: HelloFrame): Promise<void>;
}

export interface HelloOptions {
  /** Re-checks the session (a sign-out may have raced the upgrade). */
  sessionStillActive: () => Promise<boolean>;
  /** A hello with the right version arrived: the hello deadline no longer applies. */
  accepted: () => void;
}

/**
 * The handshake: version check, subscriptions, presence, then hello_ok, the presence snapshot
 * and the calls this device should ring for. A failure before hello_ok closes with 1011.
 */
export function createHelloHandler(session: SocketSession, options: HelloOptions): HelloHandler {
  const { hub, db, presence, calls } = session.deps;
  const { user, hubSocket, send } = session;
  let state: HelloState = 'none';

  async function detach(): Promise<void> {
    await presence.disconnect(hubSocket.id);
    await hub.detach(hubSocket.id);
  }

  return {
    get state() {
      return state;
    },
    async onHello(frame) {
      if (state !== 'none') return send(errorFrame('already_hello', { ref: 'hello' }));
      if (frame.protocol !== PROTOCOL_VERSION) {
        send(errorFrame('version_unsupported', { message: `Server speaks protocol ${PROTOCOL_VERSION}`, ref: 'hello' }));
        return hubSocket.close(CLOSE_CODES.version_unsupported.code, 'version_unsupported');
      }
      options.accepted();
      state = 'pending';
      let snapshot: UserPresence[];
      try {
        const conversationIds = await conversationIdsOfUser(db, user.id);
        await hub.attach(hubSocket, conversationIds);
        // A join published between the read above and attach() missed this socket: re-read.
        const known = new Set(conversationIds);
        for (const id of await conversationIdsOfUser(db, user.id)) if (!known.has(id)) hub.joinConversation(user.id, id);
        // Attached first, then checked: a sign-out from now on reaches this socket through the
        // hub, and one that happened since the upgrade is caught here.
        if (!(await options.sessionStillActive())) {
          send(errorFrame('unauthorized', { ref: 'hello' }));
          hubSocket.close(CLOSE_CODES.unauthorized.code, 'signed_out');
          return await hub.detach(hubSocket.id);
        }
        await presence.connect(user.id, hubSocket.id, 'active');
        snapshot = await statusesWithLastSeen(db, presence, await contactIdsOf(db, user.id));
      } catch (error) {
        session.log.error({ err: error }, 'hello failed');
        hubSocket.close(CLOSE_CODES.internal.code, 'internal');
        return await detach();
      }
      if (session.isClosed()) return await detach();
      state = 'ready';
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
      for (const callFrame of await calls.framesOnConnect(user)) send(callFrame);
    },
  };
}
