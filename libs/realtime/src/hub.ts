import { CLOSE_CODES, EncodedFrame, encodeFrame, type ServerFrame } from '@parley/protocol';
import type { Bus, BusRecovery } from './bus.ts';
import { newHubId, unwrapPayload, wrapPayload } from './bus-envelope.ts';
import { createConsoleLogger, errorInfo, type HubLogger } from './logger.ts';
import { SetIndex, type HubSocket, type SocketEntry } from './registry.ts';
import { presenceOf, watchedPart, type PresenceWatch } from './presence-watch.ts';
import { createTopicSubscriptions } from './topic-subscriptions.ts';
import {
  CONTROL_VERSION,
  ControlMessageSchema,
  conversationOfTopic,
  decodeControl,
  encodeControl,
  topics,
  type ControlMessage,
} from './topics.ts';

/** Past this many queued bytes a socket is closed rather than buffered further. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface HubOptions {
  bus: Bus;
  maxBufferedBytes?: number;
  logger?: HubLogger;
  /** Tags this hub's publishes on the bus; random (and unique per hub) when omitted. */
  hubId?: string;
  /**
   * How long attach() waits for the bus to confirm a socket's subscriptions before the socket
   * goes live anyway (a bus that hangs must not hold a hello); it is told to re-sync once they
   * settle. Default DEFAULT_ATTACH_WAIT_MS.
   */
  attachWaitMs?: number;
}

export const DEFAULT_ATTACH_WAIT_MS = 1_000;

export interface HubStats {
  sockets: number;
  users: number;
  /** Conversations with at least one local socket (= conversation topics subscribed). */
  conversations: number;
  /** Frames this node published (publishToConversation + publishToUser). */
  published: number;
  /** Successful socket sends on this node. */
  delivered: number;
  slowConsumerCloses: number;
  /** chat_resync frames sent to local sockets after the bus recovered from an outage. */
  resyncs: number;
}

export interface Hub {
  /**
   * Resolves once every topic the socket needs is live on the bus, or registered to be when the
   * bus is down (it then hears chat_resync at recovery), or after `attachWaitMs` when the bus is
   * slow to answer (it hears chat_resync once the subscriptions settle).
   */
  attach(socket: HubSocket, conversationIds: readonly string[], options?: { watch?: PresenceWatch }): Promise<void>;
  /** Idempotent: unknown ids (already closed by the hub) are ignored. */
  detach(socketId: string): Promise<void>;
  /**
   * Local sockets get the frame at once, before this returns (in publish order, even while the
   * bus is down); other nodes get it through the bus. An EncodedFrame is sent as it is (the
   * send path serializes an event once for its ack and its fan-out).
   */
  publishToConversation(conversationId: string, frame: ServerFrame | EncodedFrame): void;
  publishToUser(userId: string, frame: ServerFrame): void;
  /** The same frame to many users (presence to contacts), encoded once for all of them. */
  publishToUsers(userIds: readonly string[], frame: ServerFrame | EncodedFrame): void;
  /** To one socket (device) wherever it is connected: call signaling is addressed per device. */
  publishToSocket(socketId: string, frame: ServerFrame): void;
  /**
   * Whose presence this socket (here) hears from now on: null every contact, else only these
   * users (PROTOCOL.md §5.16). Unknown sockets are ignored.
   */
  setPresenceWatch(socketId: string, watch: PresenceWatch): void;
  /** Subscribes that user's sockets on every node; telling the client is the caller's job. */
  joinConversation(userId: string, conversationId: string): void;
  leaveConversation(userId: string, conversationId: string): void;
  /** Closes that session's sockets on every node (sign-out). */
  closeSession(sessionId: string, code: number, reason: string): void;
  /**
   * This node only, no bus: puts that user's sockets here in or out of the conversation, as the
   * database says it is now (the durable path behind join/leave). Returns the ids of the sockets
   * whose membership changed (telling them is the caller's job).
   */
  setMembershipLocally(userId: string, conversationId: string, member: boolean): string[];
  /** This node only, no bus: closes that session's sockets here; returns how many. */
  closeSessionLocally(sessionId: string, code: number, reason: string): number;
  /** Whether any socket of this user / session is attached here. */
  hasUser(userId: string): boolean;
  /** How many of this user's sockets are attached here (the per-user cap counts them). */
  userSocketCount(userId: string): number;
  hasSession(sessionId: string): boolean;
  /**
   * Counts join/leave messages applied to this user's sockets here. A caller that read
   * membership from the database compares it before and after its query: a change applied
   * meanwhile may be newer than what it read.
   */
  membershipVersion(userId: string): number;
  /** Closes this node's sockets only (graceful shutdown). */
  closeAll(code: number, reason: string): void;
  /** Whether the socket is attached to this node (and not yet detached or closed by the hub). */
  hasSocket(socketId: string): boolean;
  stats(): HubStats;
  /** Called after the hub handled a bus recovery (its sockets were told to re-sync). */
  onBusRecovered(listener: () => void): () => void;
  /** Drops every bus subscription; sockets are left to the caller (see closeAll). */
  close(): Promise<void>;
}

export function createHub(options: HubOptions): Hub {
  const { bus, maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES, attachWaitMs = DEFAULT_ATTACH_WAIT_MS } = options;
  const logger = options.logger ?? createConsoleLogger();
  const hubId = options.hubId ?? newHubId();
  const subs = createTopicSubscriptions(bus, logger);
  const sockets = new Map<string, SocketEntry>();
  const byUser = new SetIndex<SocketEntry>();
  const bySession = new SetIndex<SocketEntry>();
  const byConversation = new SetIndex<SocketEntry>();
  const counters = { published: 0, delivered: 0, slowConsumerCloses: 0, resyncs: 0 };
  /** userId -> join/leave messages applied to its local sockets (while it has any). */
  const membershipVersions = new Map<string, number>();
  const bumpMembership = (userId: string) => {
    if (byUser.has(userId)) membershipVersions.set(userId, (membershipVersions.get(userId) ?? 0) + 1);
  };
  let closed = false;
  const recoveryListeners = new Set<() => void>();
  const stopRecoveries = bus.onRecovered?.(onBusRecovered);

  // ------------------------------------------------------------ delivery

  /**
   * The same bytes go to every socket: UTF-8 encoded once here, not once per recipient, and
   * queued as bytes, so each socket's bufferedAmount counts what the wire will carry.
   */
  function deliver(entries: readonly SocketEntry[], payload: string): void {
    if (entries.length === 0) return;
    const bytes = Buffer.from(payload, 'utf8');
    for (const entry of entries) {
      if (entry.removed) continue;
      const { socket } = entry;
      try {
        if (socket.bufferedAmount > maxBufferedBytes) {
          counters.slowConsumerCloses += 1;
          logger.warn({ socketId: socket.id, userId: socket.userId, bufferedAmount: socket.bufferedAmount }, 'closing slow consumer');
          closeAndRemove(entry, CLOSE_CODES.slow_consumer.code, 'slow_consumer');
          continue;
        }
        socket.send(bytes);
        counters.delivered += 1;
      } catch (error) {
        // One broken socket must not cost the others their copy; its close event detaches it.
        logger.warn({ socketId: socket.id, ...errorInfo(error) }, 'socket send failed');
      }
    }
  }

  /**
   * To a user's sockets: contact presence goes whole to the sockets that hear every contact and
   * cut to its watch to each watching socket (presence-watch.ts). `frame` saves the parse when
   * the caller has the object.
   */
  function deliverToUser(entries: readonly SocketEntry[], payload: string, frame?: ServerFrame | EncodedFrame): void {
    if (!entries.some((e) => e.watch !== null)) return deliver(entries, payload);
    const presence = frame === undefined || frame instanceof EncodedFrame ? presenceOf(payload) : frame.type === 'presence' || frame.type === 'presence_batch' ? frame : undefined;
    if (presence === undefined) return deliver(entries, payload);
    deliver(
      entries.filter((e) => e.watch === null),
      payload,
    );
    for (const entry of entries) {
      if (entry.watch === null) continue;
      const part = watchedPart(presence, entry.watch);
      if (part !== undefined) deliver([entry], part === presence ? payload : encodeFrame(part));
    }
  }

  const ownPrefix = wrapPayload(hubId, '');
  /** A bus handler for what other hubs published; this hub's own publishes were delivered already. */
  const fromOthers = (topic: string, handle: (payload: string) => void) => (message: string) => {
    if (message.startsWith(ownPrefix)) return;
    const envelope = unwrapPayload(message);
    if (envelope === undefined) {
      logger.warn({ topic, bytes: message.length }, 'dropped a bus message without an origin');
      return;
    }
    handle(envelope.payload);
  };

  const localSocketsOf = {
    conversation: (conversationId: string) => byConversation.list(conversationId),
    user: (userId: string) => byUser.list(userId),
    socket: (socketId: string) => {
      const entry = sockets.get(socketId);
      return entry === undefined ? [] : [entry];
    },
  };

  const onConversation = (conversationId: string) =>
    fromOthers(topics.conversation(conversationId), (payload) => deliver(localSocketsOf.conversation(conversationId), payload));
  const onUser = (userId: string) => fromOthers(topics.user(userId), (payload) => deliverToUser(localSocketsOf.user(userId), payload));
  const onSocket = (socketId: string) =>
    fromOthers(topics.socket(socketId), (payload) => deliver(localSocketsOf.socket(socketId), payload));
  const onUserControl = (userId: string) => {
    const topic = topics.userControl(userId);
    return fromOthers(topic, (payload) => onControl(payload, topic, (m) => (m.op === 'join' || m.op === 'leave') && m.userId === userId));
  };
  const onSession = (sessionId: string) => {
    const topic = topics.session(sessionId);
    return fromOthers(topic, (payload) => onControl(payload, topic, (m) => m.op === 'close_session' && m.sessionId === sessionId));
  };

  /** Here at once, then to the other nodes: encoded once, the same bytes to every socket. */
  function publish(topic: string, local: readonly SocketEntry[], payload: string, wrapped = wrapPayload(hubId, payload)): void {
    counters.published += 1;
    deliver(local, payload);
    bus.publish(topic, wrapped);
  }

  // ------------------------------------------------------------ bus recovery

  /**
   * The bus was down or resubscribing: live frames between nodes were lost both ways. Sockets
   * here may have missed other nodes' conversation frames (lost subscriptions), and sockets
   * elsewhere may have missed this node's (dropped publishes). Each is told which
   * conversations to re-sync, now, rather than at the next message in them.
   */
  function onBusRecovered(recovery: BusRecovery): void {
    if (closed) return;
    let told = 0;
    if (recovery.lostSubscriptions) {
      for (const entry of sockets.values()) {
        if (entry.conversations.size === 0) continue;
        deliver([entry], encodeFrame({ type: 'chat_resync', conversationIds: [...entry.conversations] }));
        told += 1;
      }
      counters.resyncs += told;
    }
    // Local sockets had these frames directly; only the other nodes' sockets need telling.
    const dropped = recovery.droppedTopics.map(conversationOfTopic).filter((id): id is string => id !== undefined);
    for (const conversationId of dropped) {
      const payload = encodeFrame({ type: 'chat_resync', conversationIds: [conversationId] });
      bus.publish(topics.conversation(conversationId), wrapPayload(hubId, payload));
    }
    logger.warn({ socketsTold: told, conversationsAnnounced: dropped.length }, 'bus recovered: told sockets to re-sync');
    for (const listener of [...recoveryListeners]) {
      try {
        listener();
      } catch (error) {
        logger.error({ ...errorInfo(error) }, 'bus recovery listener threw');
      }
    }
  }

  /** Subscriptions confirmed late: what was published meanwhile never reached this socket. */
  function resyncLate(entry: SocketEntry): void {
    if (entry.removed || entry.conversations.size === 0) return;
    counters.resyncs += 1;
    deliver([entry], encodeFrame({ type: 'chat_resync', conversationIds: [...entry.conversations] }));
  }

  // ------------------------------------------------------------ control messages

  function onControl(payload: string, topic: string, fits: (m: ControlMessage) => boolean): void {
    const decoded = decodeControl(payload);
    if (!decoded.ok) {
      logger.warn({ topic, problem: decoded.problem, bytes: payload.length }, 'dropped bad control message');
      return;
    }
    if (!fits(decoded.message)) {
      logger.warn({ topic, op: decoded.message.op }, 'dropped control message sent on the wrong topic');
      return;
    }
    applyControl(decoded.message);
  }

  function applyControl(message: ControlMessage): void {
    switch (message.op) {
      case 'join':
        bumpMembership(message.userId);
        applyJoin(message.userId, message.conversationId);
        return;
      case 'leave':
        bumpMembership(message.userId);
        applyLeave(message.userId, message.conversationId);
        return;
      case 'close_session':
        for (const entry of bySession.list(message.sessionId)) closeAndRemove(entry, message.code, message.reason);
        return;
    }
  }

  /** Returns the entries that joined (were not in the conversation yet). */
  function applyJoin(userId: string, conversationId: string): SocketEntry[] {
    const joined = byUser.list(userId).filter((entry) => !entry.conversations.has(conversationId));
    if (joined.length === 0) return joined;
    for (const entry of joined) {
      entry.conversations.add(conversationId);
      byConversation.add(conversationId, entry);
    }
    const topic = topics.conversation(conversationId);
    subs.ensure(topic, onConversation(conversationId)).catch((error: unknown) => {
      // A socket silently deaf to a conversation is worse than a reconnect, which resubscribes.
      logger.error({ topic, userId, ...errorInfo(error) }, 'subscribe after join failed; closing sockets');
      for (const entry of joined) closeAndRemove(entry, CLOSE_CODES.internal.code, 'subscribe_failed');
    });
    return joined;
  }

  /** Returns the entries that left (were in the conversation). */
  function applyLeave(userId: string, conversationId: string): SocketEntry[] {
    return byUser.list(userId).filter((entry) => leaveOne(entry, conversationId));
  }

  function leaveOne(entry: SocketEntry, conversationId: string): boolean {
    if (!entry.conversations.delete(conversationId)) return false;
    if (byConversation.remove(conversationId, entry)) void subs.drop(topics.conversation(conversationId));
    return true;
  }

  /** Applied here at once (also while the bus is down), then sent to the other nodes. */
  function publishControl(topic: string, message: ControlMessage): void {
    // Parse our own message too: a bad one is a programmer error here, not a silent drop on every node.
    const payload = encodeControl(ControlMessageSchema.parse(message));
    applyControl(message);
    bus.publish(topic, wrapPayload(hubId, payload));
  }

  // ------------------------------------------------------------ registry

  /** Synchronous removal; the bus unsubscribes it triggers finish in the background. */
  function remove(entry: SocketEntry): Promise<void> {
    if (entry.removed) return Promise.resolve();
    entry.removed = true;
    const { socket } = entry;
    sockets.delete(socket.id);
    const drops: string[] = [];
    for (const conversationId of entry.conversations) {
      if (byConversation.remove(conversationId, entry)) drops.push(topics.conversation(conversationId));
    }
    entry.conversations.clear();
    if (byUser.remove(socket.userId, entry)) {
      drops.push(topics.user(socket.userId), topics.userControl(socket.userId));
      membershipVersions.delete(socket.userId);
    }
    if (bySession.remove(socket.sessionId, entry)) drops.push(topics.session(socket.sessionId));
    drops.push(topics.socket(socket.id));
    return Promise.all(drops.map((topic) => subs.drop(topic))).then(() => undefined);
  }

  function closeAndRemove(entry: SocketEntry, code: number, reason: string): void {
    try {
      entry.socket.close(code, reason);
    } catch (error) {
      logger.warn({ socketId: entry.socket.id, ...errorInfo(error) }, 'socket close failed');
    }
    void remove(entry);
  }

  return {
    async attach(socket, conversationIds, options) {
      if (closed) throw new Error('hub is closed');
      if (sockets.has(socket.id)) throw new Error(`socket ${socket.id} is already attached`);
      const entry: SocketEntry = { socket, conversations: new Set(conversationIds), removed: false, watch: options?.watch ?? null };
      sockets.set(socket.id, entry);
      byUser.add(socket.userId, entry);
      bySession.add(socket.sessionId, entry);
      for (const conversationId of entry.conversations) byConversation.add(conversationId, entry);
      // `ensure` is called for every topic, not only on first use, so a second socket also
      // waits for a subscription that the first one started and is still pending.
      const pending = [
        subs.ensure(topics.user(socket.userId), onUser(socket.userId)),
        subs.ensure(topics.userControl(socket.userId), onUserControl(socket.userId)),
        subs.ensure(topics.session(socket.sessionId), onSession(socket.sessionId)),
        subs.ensure(topics.socket(socket.id), onSocket(socket.id)),
        ...[...entry.conversations].map((id) => subs.ensure(topics.conversation(id), onConversation(id))),
      ];
      const settled = Promise.allSettled(pending);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), attachWaitMs);
      });
      const results = await Promise.race([settled, late]);
      clearTimeout(timer);
      if (results === 'late') {
        void settled.then(() => resyncLate(entry));
        return;
      }
      const failure = results.find((r) => r.status === 'rejected');
      if (failure !== undefined) {
        await remove(entry);
        throw failure.reason;
      }
    },

    async detach(socketId) {
      const entry = sockets.get(socketId);
      if (entry !== undefined) await remove(entry);
    },

    publishToConversation(conversationId, frame) {
      publish(topics.conversation(conversationId), localSocketsOf.conversation(conversationId), encodeFrame(frame));
    },

    publishToUser(userId, frame) {
      const payload = encodeFrame(frame);
      counters.published += 1;
      deliverToUser(localSocketsOf.user(userId), payload, frame);
      bus.publish(topics.user(userId), wrapPayload(hubId, payload));
    },

    publishToUsers(userIds, frame) {
      const payload = encodeFrame(frame);
      const wrapped = wrapPayload(hubId, payload);
      for (const userId of userIds) {
        counters.published += 1;
        deliverToUser(localSocketsOf.user(userId), payload, frame);
        bus.publish(topics.user(userId), wrapped);
      }
    },

    setPresenceWatch(socketId, watch) {
      const entry = sockets.get(socketId);
      if (entry !== undefined) entry.watch = watch;
    },

    publishToSocket(socketId, frame) {
      const local = localSocketsOf.socket(socketId);
      // A socket lives on one node: when it is here, no other node needs the frame.
      if (local.length > 0) {
        counters.published += 1;
        deliver(local, encodeFrame(frame));
        return;
      }
      publish(topics.socket(socketId), local, encodeFrame(frame));
    },

    joinConversation(userId, conversationId) {
      publishControl(topics.userControl(userId), { v: CONTROL_VERSION, op: 'join', userId, conversationId });
    },

    leaveConversation(userId, conversationId) {
      publishControl(topics.userControl(userId), { v: CONTROL_VERSION, op: 'leave', userId, conversationId });
    },

    closeSession(sessionId, code, reason) {
      publishControl(topics.session(sessionId), { v: CONTROL_VERSION, op: 'close_session', sessionId, code, reason });
    },

    setMembershipLocally(userId, conversationId, member) {
      const changed = member ? applyJoin(userId, conversationId) : applyLeave(userId, conversationId);
      return changed.map((entry) => entry.socket.id);
    },

    closeSessionLocally(sessionId, code, reason) {
      const closing = bySession.list(sessionId);
      for (const entry of closing) closeAndRemove(entry, code, reason);
      return closing.length;
    },

    hasUser: (userId) => byUser.has(userId),
    userSocketCount: (userId) => byUser.count(userId),
    hasSession: (sessionId) => bySession.has(sessionId),
    membershipVersion: (userId) => membershipVersions.get(userId) ?? 0,

    closeAll(code, reason) {
      for (const entry of [...sockets.values()]) closeAndRemove(entry, code, reason);
    },

    hasSocket(socketId) {
      const entry = sockets.get(socketId);
      return entry !== undefined && !entry.removed;
    },

    onBusRecovered(listener) {
      recoveryListeners.add(listener);
      return () => {
        recoveryListeners.delete(listener);
      };
    },

    stats() {
      return { sockets: sockets.size, users: byUser.size, conversations: byConversation.size, ...counters };
    },

    async close() {
      closed = true;
      stopRecoveries?.();
      recoveryListeners.clear();
      for (const entry of sockets.values()) entry.removed = true;
      sockets.clear();
      byUser.clear();
      bySession.clear();
      byConversation.clear();
      membershipVersions.clear();
      await subs.dropAll();
    },
  };
}
