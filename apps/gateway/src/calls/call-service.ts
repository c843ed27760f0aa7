import {
  acceptCall,
  createCall,
  declineCall,
  expireRingingCalls,
  freeStaleSeats,
  getCall,
  getUsers,
  isMember,
  leaveCall,
  liveCallsForUser,
  markSeatsStale,
  renewSeats,
  memberIds,
  type CallChange,
  type Db,
  type MessageWriter,
} from '@parley/db';
import {
  AppError,
  RING_TIMEOUT_MS,
  type CallAcceptFrame,
  type CallDeclineFrame,
  type CallHangupFrame,
  type CallInfo,
  type CallInviteFrame,
  type CallSignalFrame,
  type PublicUser,
  type ServerFrame,
} from '@parley/protocol';
import type { Hub } from '@parley/realtime';
import type { Logger } from 'pino';
import type { PushService } from '../push/push-service.ts';

/** A device that dropped mid-call keeps its seat this long, so a reconnect can take it back. */
export const CALL_RECONNECT_GRACE_MS = 15_000;
/** How often each node looks for ringing calls whose ring timed out (covers crashed nodes). */
const RING_SWEEP_MS = 5000;
/** A seat lives this long unless its node renews it (see renewSeats in @parley/db). */
export const CALL_SEAT_LEASE_MS = 15_000;

export interface CallServiceOptions {
  db: Db;
  hub: Hub;
  writer: MessageWriter;
  logger: Logger;
  ringTimeoutMs?: number;
  reconnectGraceMs?: number;
  /** How soon the seats of a node that stopped renewing them (it crashed) are freed. */
  seatLeaseMs?: number;
  /** Web Push for rings and missed calls (queued, never awaited). */
  push?: Pick<PushService, 'callRinging' | 'eventCommitted'>;
}

/** Who is acting: the user and the device (socket) the frame came from. */
export interface CallActor {
  user: PublicUser;
  connectionId: string;
}

export interface CallService {
  invite(actor: CallActor, frame: CallInviteFrame): Promise<void>;
  accept(actor: CallActor, frame: CallAcceptFrame): Promise<void>;
  decline(actor: CallActor, frame: CallDeclineFrame): Promise<void>;
  hangup(actor: CallActor, frame: CallHangupFrame): Promise<void>;
  signal(actor: CallActor, frame: CallSignalFrame): Promise<void>;
  /** The device's socket closed: leave its calls unless it comes back within the grace. */
  connectionClosed(connectionId: string): Promise<void>;
  /** For a device that just connected: rings it for calls still ringing, shows running ones. */
  framesOnConnect(user: PublicUser): Promise<ServerFrame[]>;
  /** Stops timers and waits for in-flight seat updates (so shutdown marks seats stale first). */
  close(): Promise<void>;
}

/**
 * Call lifecycle and signaling. Postgres holds call state (its row lock decides races such as
 * two devices accepting at once, on any node); the hub carries ring, update and signal frames.
 */
export function createCallService(options: CallServiceOptions): CallService {
  const { db, hub, writer, logger } = options;
  const ringTimeoutMs = options.ringTimeoutMs ?? RING_TIMEOUT_MS;
  const graceMs = options.reconnectGraceMs ?? CALL_RECONNECT_GRACE_MS;
  const leaseMs = options.seatLeaseMs ?? CALL_SEAT_LEASE_MS;
  /**
   * This node's sockets that took a seat, with the renewal round they were added in: their
   * leases are renewed while they are attached and still hold a seat.
   */
  const seated = new Map<string, number>();
  let round = 0;
  let closing = false;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();

  function later(ms: number, fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn().catch((error: unknown) => logger.error({ err: error }, 'call timer failed'));
    }, ms);
    timers.add(timer);
  }

  async function broadcast(call: CallInfo, ringStopped?: { userId: string; reason: 'answered_elsewhere' | 'declined_elsewhere' }): Promise<void> {
    const members = await memberIds(db, call.conversationId);
    hub.publishToUsers(members.filter((id) => id !== ringStopped?.userId), { type: 'call_update', call });
    if (ringStopped && members.includes(ringStopped.userId)) {
      hub.publishToUser(ringStopped.userId, { type: 'call_update', call, ringStopped: ringStopped.reason });
    }
  }

  /**
   * The call's outcome becomes a message in the conversation, once per call: its clientId
   * uses ':' which client ids cannot contain, so no chat_send can take that key first.
   */
  async function recordEnd(call: CallInfo): Promise<void> {
    const durationMs = call.answeredAt && call.endedAt ? Date.parse(call.endedAt) - Date.parse(call.answeredAt) : 0;
    const { event, duplicate } = await writer.submit({
      senderId: call.callerId,
      conversationId: call.conversationId,
      clientId: `call:${call.id}`,
      body: '',
      call: { callId: call.id, media: call.media, endReason: call.endReason ?? 'failed', durationMs: Math.max(0, durationMs) },
    });
    // Published even when it was a duplicate: a retry must not leave a lost publish unhealed.
    hub.publishToConversation(call.conversationId, { type: 'chat_event', event });
    if (!duplicate) options.push?.eventCommitted(event);
  }

  async function settle(change: CallChange, ringStopped?: Parameters<typeof broadcast>[1]): Promise<void> {
    await broadcast(change.call, ringStopped);
    // The call already ended for everyone; a failed history write is logged, not the actor's error.
    if (change.ended) await recordEnd(change.call).catch((error: unknown) => logger.error({ err: error, callId: change.call.id }, 'call event not recorded'));
  }

  async function expireDue(): Promise<void> {
    for (const change of await expireRingingCalls(db, ringTimeoutMs)) await settle(change);
  }

  async function freeStale(): Promise<void> {
    for (const change of await freeStaleSeats(db)) await settle(change);
  }

  // Every node sweeps: ring timeouts and stale seats are in Postgres, so they survive the node
  // that set them (a graceful shutdown marks its seats stale; see connectionClosed).
  const sweeper = setInterval(() => {
    expireDue()
      .then(freeStale)
      .catch((error: unknown) => logger.error({ err: error }, 'call sweep failed'));
  }, Math.min(RING_SWEEP_MS, leaseMs));

  // Three renewals per lease: one lost to a slow query or a blip does not cost a seat.
  const renewer = setInterval(() => {
    const thisRound = ++round;
    // A socket that is gone (its seat taken while it was closing, or the hub closed it at
    // shutdown before its close event) gets the grace here, and no more renewals.
    for (const id of seated.keys()) {
      if (hub.hasSocket(id)) continue;
      seated.delete(id);
      markSeatsStale(db, id, graceMs).catch((error: unknown) => logger.warn({ err: error }, 'call seat grace failed'));
    }
    const ids = [...seated.keys()];
    renewSeats(db, ids, leaseMs)
      .then((holding) => {
        // Sockets whose calls ended stop being renewed; one added meanwhile is kept.
        const still = new Set(holding);
        for (const id of ids) if (!still.has(id) && (seated.get(id) ?? thisRound) < thisRound) seated.delete(id);
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'call seat renewal failed'));
  }, Math.max(250, Math.floor(leaseMs / 3)));

  return {
    async invite(actor, frame) {
      const { call, created } = await createCall(db, {
        callId: frame.callId,
        conversationId: frame.conversationId,
        callerId: actor.user.id,
        connectionId: actor.connectionId,
        media: frame.media,
        leaseMs,
      });
      seated.set(actor.connectionId, round);
      if (!created) return void (await broadcast(call));
      for (const userId of await memberIds(db, call.conversationId)) {
        if (userId === actor.user.id) hub.publishToUser(userId, { type: 'call_update', call });
        else hub.publishToUser(userId, { type: 'call_ring', call, caller: actor.user });
      }
      options.push?.callRinging(call);
      // The precise timeout on this node; the sweep on every node covers a crash of this one.
      later(ringTimeoutMs + 100, expireDue);
    },

    async accept(actor, frame) {
      const change = await acceptCall(db, { callId: frame.callId, userId: actor.user.id, connectionId: actor.connectionId, leaseMs });
      seated.set(actor.connectionId, round);
      await settle(change, { userId: actor.user.id, reason: 'answered_elsewhere' });
    },

    async decline(actor, frame) {
      const change = await declineCall(db, { callId: frame.callId, userId: actor.user.id });
      await settle(change, { userId: actor.user.id, reason: 'declined_elsewhere' });
    },

    async hangup(actor, frame) {
      const change = await leaveCall(db, { callId: frame.callId, userId: actor.user.id });
      await settle(change);
    },

    async signal(actor, frame) {
      // Both ends must hold seats in this call: SDP and ICE never reach anyone else.
      const call = await getCall(db, frame.callId);
      if (call && !(await isMember(db, call.conversationId, actor.user.id))) throw new AppError('not_member');
      const seats = call?.state === 'ended' ? [] : (call?.participants ?? []);
      const from = seats.find((p) => p.connectionId === actor.connectionId && p.userId === actor.user.id);
      const to = seats.find((p) => p.connectionId === frame.toConnectionId);
      if (!call || !from || !to || to.connectionId === from.connectionId) {
        throw new AppError('not_found', 'Not a participant of that call, or no such peer in it');
      }
      hub.publishToSocket(to.connectionId, {
        type: 'call_signal_in',
        callId: call.id,
        fromConnectionId: actor.connectionId,
        fromUserId: actor.user.id,
        data: frame.data,
      });
    },

    async connectionClosed(connectionId) {
      // Shutting down: close() already gave every local seat its grace.
      if (closing) return;
      // From now on the grace, not the lease, decides: the socket is gone.
      seated.delete(connectionId);
      const marking = markSeatsStale(db, connectionId, graceMs);
      inFlight.add(marking);
      try {
        if ((await marking) === 0) return;
      } finally {
        inFlight.delete(marking);
      }
      // Precise on this node; the periodic sweep on any node is the fallback.
      later(graceMs + 50, freeStale);
    },

    async framesOnConnect(user) {
      const live = await liveCallsForUser(db, user.id);
      if (live.length === 0) return [];
      const callers = new Map((await getUsers(db, live.map((l) => l.call.callerId))).map((u) => [u.id, u]));
      return live.map(({ call, declinedBy }): ServerFrame => {
        const caller = callers.get(call.callerId);
        const seated = call.participants.some((p) => p.userId === user.id);
        return call.state === 'ringing' && !seated && caller && !declinedBy.includes(user.id)
          ? { type: 'call_ring', call, caller }
          : { type: 'call_update', call };
      });
    },

    async close() {
      closing = true;
      clearInterval(sweeper);
      clearInterval(renewer);
      // Sockets close asynchronously (the close handshake may outlive the database): give
      // this node's seats their reconnect grace now, so devices can take them back elsewhere.
      const ids = [...seated.keys()];
      seated.clear();
      await Promise.allSettled(ids.map((id) => markSeatsStale(db, id, graceMs)));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}

