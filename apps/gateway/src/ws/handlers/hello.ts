import {
  AppError,
  CLOSE_CODES,
  HEARTBEAT_INTERVAL_MS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  errorFrame,
  isAppError,
  type HelloFrame,
  type ServerFrame,
} from '@parley/protocol';
import { contactIdsOf, conversationIdsOfUser, recheckSocket, type SocketRecheck } from '@parley/db';
import { statusesOfContacts, statusesWithLastSeen } from '../../presence.ts';
import { refuseForNow } from '../admission.ts';
import type { SocketSession } from '../socket-session.ts';

/** A socket refused by the per-user cap may try again after this long (a tab may have closed). */
export const SOCKET_CAP_RETRY_AFTER_MS = 30_000;

/** After a bus recovery: the first snapshot try at once, then these waits (ms) between tries. */
const SNAPSHOT_RETRY_DELAYS_MS = [0, 500, 1_000, 2_000, 4_000];

export type HelloState = 'none' | 'pending' | 'ready';

export interface HelloHandler {
  /** none -> pending (hello being processed) -> ready. Only `ready` sockets get other frames. */
  readonly state: HelloState;
  onHello(frame: HelloFrame): Promise<void>;
}

export interface HelloOptions {
  /** A hello with the right version arrived: the hello deadline no longer applies. */
  accepted: () => void;
  /** The user's conversations as the upgrade read them (with the session, one round trip). */
  upgrade: UpgradeMemberships;
}

export interface UpgradeMemberships {
  conversationIds: string[];
  /** Date.now() when they were read. */
  readAt: number;
}

/**
 * How old the upgrade's memberships may be for hello to subscribe with them. Subscribing, then
 * re-checking, catches any change since the read; but someone removed between the read and the
 * subscription would hear that conversation's frames from the subscription until the re-check
 * answers (one round trip). Reading at hello left that gap too, narrower (a read is never
 * instant); this bounds it to 250 ms, and the access log's poll (PROTOCOL.md §9, "Revocation
 * is durable") to 2 s whatever happens. Older (a socket that waited in a storm's admission
 * line), and hello reads the memberships again.
 */
export const UPGRADE_MEMBERSHIPS_FRESH_MS = 250;

/**
 * The handshake: version check, then, in an admission slot (ws/admission.ts), subscriptions,
 * presence, hello_ok, the presence snapshot and the calls this device should ring for. A
 * failure before hello_ok closes with 1011; too many sockets starting at once, with 1013.
 */
export function createHelloHandler(session: SocketSession, options: HelloOptions): HelloHandler {
  const { hub, db, presence, calls, admission } = session.deps;
  const { user, hubSocket, send } = session;
  let state: HelloState = 'none';
  /** `hello.presence: "watch"`: no contacts, no snapshot; presence_watch says whom to hear. */
  let watching = false;
  const { accepted } = options;
  /** Until hello uses them: then only the hub knows the socket's conversations (nothing else holds them). */
  let upgrade: UpgradeMemberships | undefined = options.upgrade;

  async function detach(): Promise<void> {
    await presence.disconnect(hubSocket.id);
    await hub.detach(hubSocket.id);
  }

  /**
   * Subscribed, re-checked and registered in presence; undefined when the socket must not go
   * live. One query: the memberships came with the session at the upgrade (read again if that
   * was long ago); once attached, one round trip for what may have changed since (memberships,
   * the session), what the snapshot needs (contacts), and whether a call is live (only then are
   * calls read).
   */
  async function attach(): Promise<SocketRecheck | undefined> {
    let recheck: SocketRecheck;
    try {
      const fresh = upgrade !== undefined && Date.now() - upgrade.readAt <= UPGRADE_MEMBERSHIPS_FRESH_MS ? upgrade.conversationIds : undefined;
      upgrade = undefined;
      const conversationIds = fresh ?? (await conversationIdsOfUser(db, user.id));
      await hub.attach(hubSocket, conversationIds, { watch: watching ? new Set() : null });
      // Attached first, then read again: a join, removal or sign-out from now on reaches this
      // socket through the hub (or the access log), and one that happened since is caught here.
      recheck = await recheckSocket(db, user.id, hubSocket.sessionId, { withContacts: !watching });
      const known = new Set(conversationIds);
      const current = new Set(recheck.conversationIds);
      for (const id of current) if (!known.has(id)) hub.setMembershipLocally(user.id, id, true);
      for (const id of known) if (!current.has(id)) hub.setMembershipLocally(user.id, id, false);
      if (!recheck.sessionActive) {
        send(errorFrame('unauthorized', { ref: 'hello' }));
        hubSocket.close(CLOSE_CODES.unauthorized.code, 'signed_out');
        await hub.detach(hubSocket.id);
        return undefined;
      }
      await presence.connect(user.id, hubSocket.id, 'active');
    } catch (error) {
      session.log.error({ err: error }, 'hello failed');
      hubSocket.close(CLOSE_CODES.internal.code, 'internal');
      await detach();
      return undefined;
    }
    if (!session.isClosed()) return recheck;
    await detach();
    return undefined;
  }

  /** The database work of a new socket, in one admission slot. */
  async function start(): Promise<void> {
    const recheck = await attach();
    if (recheck === undefined) return;
    state = 'ready';
    if (session.deps.logger.isLevelEnabled('debug')) session.log.debug('hello accepted');
    send({
      type: 'hello_ok',
      protocol: PROTOCOL_VERSION,
      user,
      connectionId: hubSocket.id,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      maxFrameBytes: MAX_FRAME_BYTES,
      serverTime: new Date().toISOString(),
      presence: watching ? 'watch' : 'contacts',
    });
    if (!watching) await sendSnapshot(recheck.contacts);
    // A device that connects while a call rings rings too; running calls show so people can join.
    if (recheck.liveCall) for (const callFrame of await calls.framesOnConnect(user)) send(callFrame);
  }

  async function snapshot(contacts?: SocketRecheck['contacts']): Promise<ServerFrame> {
    if (contacts === undefined) return { type: 'presence_snapshot', users: await statusesWithLastSeen(db, presence, await contactIdsOf(db, user.id)) };
    return { type: 'presence_snapshot', users: await statusesOfContacts(db, presence, contacts) };
  }

  /**
   * After hello_ok: presence lives in Redis, and a node accepts sockets while Redis is away. The
   * socket is live meanwhile; a failed snapshot is told with `error{unavailable, ref: "hello"}`
   * and tried again once the bus recovers (a few times: the presence store's own connection
   * may come back a moment later).
   */
  async function sendSnapshot(contacts: SocketRecheck['contacts']): Promise<void> {
    try {
      send(await snapshot(contacts));
    } catch (error) {
      session.log.warn({ err: error }, 'presence snapshot failed; trying again once the bus recovers');
      send(errorFrame('unavailable', { ref: 'hello', message: 'Presence snapshot failed' }));
      const stop = hub.onBusRecovered(() => {
        stop();
        void retrySnapshot(0);
      });
      session.onClose(stop);
    }
  }

  async function retrySnapshot(attempt: number): Promise<void> {
    if (session.isClosed()) return;
    try {
      send(await snapshot());
    } catch (error) {
      if (attempt + 1 >= SNAPSHOT_RETRY_DELAYS_MS.length) return session.log.warn({ err: error }, 'presence snapshot failed again; giving up');
      setTimeout(() => void retrySnapshot(attempt + 1), SNAPSHOT_RETRY_DELAYS_MS[attempt + 1]).unref();
    }
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
      accepted();
      watching = frame.presence === 'watch';
      // Counted among the sockets attached here: one account cannot hold a node's sockets.
      const cap = session.deps.caps.socketsPerUser;
      if (hub.userSocketCount(user.id) >= cap) {
        session.log.debug({ cap }, 'hello refused: too many sockets for this user');
        const error = new AppError('rate_limited', `Too many open connections for this account (at most ${cap} on one server)`, {
          retryAfterMs: SOCKET_CAP_RETRY_AFTER_MS,
        });
        return refuseForNow(hubSocket, error, 'hello');
      }
      state = 'pending';
      // A socket that closed while it waited for its turn costs no query at all.
      await admission.run('hello', start, session.isClosed).catch((error: unknown) => {
        if (!isAppError(error) || error.code !== 'overloaded') throw error;
        refuseForNow(hubSocket, error, 'hello');
      });
    },
  };
}
