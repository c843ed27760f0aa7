import { AppError, MAX_CALL_PARTICIPANTS, RING_TIMEOUT_MS, type CallEndReason, type CallInfo, type CallMedia } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from './db-errors.ts';

type Tx = Prisma.TransactionClient;

const WITH_PARTICIPANTS = { participants: { orderBy: { joinedAt: 'asc' } } } as const;
type CallRow = Prisma.CallGetPayload<{ include: typeof WITH_PARTICIPANTS }>;

export function toCallInfo(row: CallRow): CallInfo {
  return {
    id: row.id,
    conversationId: row.conversationId,
    media: row.media,
    callerId: row.callerId,
    state: row.state,
    participants: row.participants.map((p) => ({ userId: p.userId, connectionId: p.connectionId, joinedAt: p.joinedAt.toISOString() })),
    startedAt: row.startedAt.toISOString(),
    answeredAt: row.answeredAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    endReason: row.endReason,
  };
}

/**
 * Seats are leases. Taking a seat gives it `leaseMs`; the node holding the device's socket
 * renews it (renewSeats) while the socket is open, and a closed socket shortens it to the
 * reconnect grace (markSeatsStale). A node that dies renews nothing, so its seats run out
 * and any node's sweep frees them (freeStaleSeats): no call stays stuck on a crashed node.
 * Every lease is stamped and compared with Postgres' clock (now()), never a node's, so clock
 * skew between nodes cannot expire a live seat.
 */
function setLease(tx: Tx, callId: string, userId: string, leaseMs: number): Promise<number> {
  return tx.$executeRaw`
    UPDATE call_participants SET stale_after = now() + (${leaseMs} * interval '1 millisecond')
     WHERE call_id = ${callId}::uuid AND user_id = ${userId}::uuid`;
}

/** What a transition did: the call after it, and whether this transition ended it. */
export interface CallChange {
  call: CallInfo;
  ended: boolean;
}

/** Every call mutation runs here: the row lock makes accept/decline/leave race-free across nodes. */
async function withLockedCall(db: Db, callId: string, fn: (tx: Tx, row: CallRow) => Promise<void>): Promise<CallChange> {
  if (!isUuid(callId)) throw new AppError('not_found', 'No such call');
  return db.prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM calls WHERE id = ${callId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new AppError('not_found', 'No such call');
    const before = await tx.call.findUniqueOrThrow({ where: { id: callId }, include: WITH_PARTICIPANTS });
    await fn(tx, before);
    const after = await tx.call.findUniqueOrThrow({ where: { id: callId }, include: WITH_PARTICIPANTS });
    return { call: toCallInfo(after), ended: before.state !== 'ended' && after.state === 'ended' };
  });
}

async function assertMember(tx: Tx | Db['prisma'], conversationId: string, userId: string): Promise<void> {
  const member = await tx.member.findUnique({ where: { conversationId_userId: { conversationId, userId } } });
  if (!member) throw new AppError('not_member');
}

function end(tx: Tx, callId: string, reason: CallEndReason): Promise<unknown> {
  return tx.call.update({ where: { id: callId }, data: { state: 'ended', endReason: reason, endedAt: new Date() } });
}

/**
 * Starts a ringing call with the caller's device as its first participant. Idempotent for a
 * retried invite (same id, same caller). One live call per conversation: a second invite
 * while one rings or runs is a conflict (join that one instead).
 */
export async function createCall(
  db: Db,
  input: { callId: string; conversationId: string; callerId: string; connectionId: string; media: CallMedia; leaseMs: number },
): Promise<{ call: CallInfo; created: boolean }> {
  if (!isUuid(input.callId) || !isUuid(input.conversationId)) throw new AppError('not_found', 'No such conversation');
  return db.prisma.$transaction(async (tx) => {
    await assertMember(tx, input.conversationId, input.callerId);
    // Serialises concurrent invites in one conversation.
    await tx.$queryRaw`SELECT id FROM conversations WHERE id = ${input.conversationId}::uuid FOR UPDATE`;
    const existing = await tx.call.findUnique({ where: { id: input.callId }, include: WITH_PARTICIPANTS });
    if (existing) {
      const same = existing.callerId === input.callerId && existing.conversationId === input.conversationId && existing.media === input.media;
      if (!same) throw new AppError('conflict', 'Call id already used');
      return { call: toCallInfo(existing), created: false };
    }
    const live = await tx.call.findFirst({ where: { conversationId: input.conversationId, state: { in: ['ringing', 'active'] } } });
    if (live) throw new AppError('conflict', 'A call is already running in this conversation', { callId: live.id });
    const row = await tx.call.create({
      data: {
        id: input.callId,
        conversationId: input.conversationId,
        callerId: input.callerId,
        media: input.media,
        joinedBy: [input.callerId],
        participants: { create: { userId: input.callerId, connectionId: input.connectionId } },
      },
      include: WITH_PARTICIPANTS,
    });
    await setLease(tx, input.callId, input.callerId, input.leaseMs);
    return { call: toCallInfo(row), created: true };
  });
}

/**
 * Takes (or joins) the call on this device. The first device of a callee wins; the same user
 * accepting again from another device moves the call there (e.g. after a reconnect).
 */
export async function acceptCall(
  db: Db,
  input: { callId: string; userId: string; connectionId: string; leaseMs: number },
): Promise<CallChange & { movedFrom: string | null }> {
  let movedFrom: string | null = null;
  const change = await withLockedCall(db, input.callId, async (tx, call) => {
    await assertMember(tx, call.conversationId, input.userId);
    if (call.state === 'ended') throw new AppError('conflict', 'The call has ended');
    const seat = call.participants.find((p) => p.userId === input.userId);
    if (seat) {
      movedFrom = seat.connectionId === input.connectionId ? null : seat.connectionId;
      await tx.callParticipant.update({
        where: { callId_userId: { callId: call.id, userId: input.userId } },
        data: { connectionId: input.connectionId },
      });
      await setLease(tx, call.id, input.userId, input.leaseMs);
      return;
    }
    if (call.participants.length >= MAX_CALL_PARTICIPANTS) {
      throw new AppError('conflict', `A call holds at most ${MAX_CALL_PARTICIPANTS} people`);
    }
    await tx.callParticipant.create({ data: { callId: call.id, userId: input.userId, connectionId: input.connectionId } });
    await setLease(tx, call.id, input.userId, input.leaseMs);
    const joinedBy = call.joinedBy.includes(input.userId) ? call.joinedBy : [...call.joinedBy, input.userId];
    await tx.call.update({
      where: { id: call.id },
      data: call.state === 'ringing' ? { state: 'active', answeredAt: new Date(), joinedBy } : { joinedBy },
    });
  });
  return { ...change, movedFrom };
}

/**
 * A callee refuses. When every callee has declined a ringing call, it ends `declined`. In a
 * running group call a member without a seat (still ringing locally) may decline too: that is
 * recorded (no "missed call" for them when it ends) and changes nothing else.
 */
export async function declineCall(db: Db, input: { callId: string; userId: string }): Promise<CallChange> {
  return withLockedCall(db, input.callId, async (tx, call) => {
    await assertMember(tx, call.conversationId, input.userId);
    if (call.state === 'ended' || call.callerId === input.userId || call.declinedBy.includes(input.userId)) return;
    if (call.participants.some((p) => p.userId === input.userId)) return;
    const declinedBy = [...call.declinedBy, input.userId];
    await tx.call.update({ where: { id: call.id }, data: { declinedBy } });
    if (call.state !== 'ringing') return;
    const callees = await tx.member.count({ where: { conversationId: call.conversationId, userId: { not: call.callerId } } });
    if (declinedBy.length >= callees) await end(tx, call.id, 'declined');
  });
}

/**
 * A participant leaves (hang-up, or a device that never came back). The caller leaving a
 * ringing call cancels it; an answered call ends `completed` when fewer than two remain.
 * `connectionId`, when given, must still be the user's seat (a stale device can't evict a newer one).
 */
export async function leaveCall(
  db: Db,
  input: { callId: string; userId: string; connectionId?: string; onlyIfStale?: boolean },
): Promise<CallChange> {
  return withLockedCall(db, input.callId, async (tx, call) => {
    const seat = call.participants.find((p) => p.userId === input.userId);
    // A seat holder may always leave (even if since removed from the conversation).
    if (!seat) await assertMember(tx, call.conversationId, input.userId);
    if (!seat || call.state === 'ended') return;
    if (input.connectionId !== undefined && seat.connectionId !== input.connectionId) return;
    // The sweep read the seat before this lock: a renewal or re-accept since then keeps it.
    if (input.onlyIfStale) {
      const [lapsed] = await tx.$queryRaw<Array<{ stale: boolean }>>`
        SELECT stale_after < now() AS stale FROM call_participants WHERE call_id = ${call.id}::uuid AND user_id = ${input.userId}::uuid`;
      if (!lapsed?.stale) return;
    }
    await tx.callParticipant.delete({ where: { callId_userId: { callId: call.id, userId: input.userId } } });
    const remaining = call.participants.length - 1;
    if (call.state === 'ringing' && input.userId === call.callerId) await end(tx, call.id, 'cancelled');
    else if (call.state === 'active' && remaining < 2) await end(tx, call.id, 'completed');
  });
}

/** Ends ringing calls nobody answered in time (`missed`). Any node may run it; rows are skipped if busy. */
export async function expireRingingCalls(db: Db, ringTimeoutMs: number = RING_TIMEOUT_MS): Promise<CallChange[]> {
  const due = await db.prisma.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM calls
     WHERE state = 'ringing' AND started_at < now() - (${ringTimeoutMs} * interval '1 millisecond')`;
  const changes: CallChange[] = [];
  for (const { id } of due) {
    const change = await withLockedCall(db, id, async (tx, call) => {
      if (call.state === 'ringing') await end(tx, call.id, 'missed');
    });
    if (change.ended) changes.push(change);
  }
  return changes;
}

export async function getCall(db: Db, callId: string): Promise<CallInfo | null> {
  if (!isUuid(callId)) return null;
  const row = await db.prisma.call.findUnique({ where: { id: callId }, include: WITH_PARTICIPANTS });
  return row ? toCallInfo(row) : null;
}

/**
 * Whether any call rings or runs in one of user $1's conversations: it walks the few live calls
 * (index on state) and checks membership by the members key. Every connect asks (in the socket's
 * re-check, conversations.ts) and almost always hears "no"; only a "yes" reads the calls.
 */
export const LIVE_CALL_EXISTS_SQL = `EXISTS (
           SELECT 1 FROM calls c
            WHERE c.state IN ('ringing', 'active')
              AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.conversation_id AND m.user_id = $1::uuid)
         )`;
/**
 * Live (ringing or active) calls in the user's conversations: shown on connect so people can
 * join. A connect asks only when its re-check's `liveCall` (LIVE_CALL_EXISTS_SQL) said yes.
 */
export async function liveCallsForUser(db: Db, userId: string): Promise<Array<{ call: CallInfo; declinedBy: string[] }>> {
  if (!isUuid(userId)) return [];
  const rows = await db.prisma.call.findMany({
    where: { state: { in: ['ringing', 'active'] }, conversation: { members: { some: { userId } } } },
    include: WITH_PARTICIPANTS,
  });
  return rows.map((row) => ({ call: toCallInfo(row), declinedBy: row.declinedBy }));
}

/**
 * A device's socket closed: its seats in live calls go stale after `graceMs` unless the same
 * user re-accepts (from the reconnected socket) first. Stored, so any node can free them.
 */
export async function markSeatsStale(db: Db, connectionId: string, graceMs: number): Promise<number> {
  return db.prisma.$executeRaw`
    UPDATE call_participants p SET stale_after = now() + (${graceMs} * interval '1 millisecond')
      FROM calls c
     WHERE c.id = p.call_id AND c.state IN ('ringing', 'active') AND p.connection_id = ${connectionId}`;
}

/**
 * Extends the leases of the seats these (open, local) sockets hold in live calls. One
 * statement for all of a node's seated sockets (one array parameter, however many); returns
 * the sockets that still hold a seat, so the caller can stop renewing the others.
 */
export async function renewSeats(db: Db, connectionIds: readonly string[], leaseMs: number): Promise<string[]> {
  if (connectionIds.length === 0) return [];
  const rows = await db.prisma.$queryRaw<Array<{ connection_id: string }>>`
    UPDATE call_participants p SET stale_after = now() + (${leaseMs} * interval '1 millisecond')
      FROM calls c
     WHERE c.id = p.call_id AND c.state IN ('ringing', 'active') AND p.connection_id = ANY(${[...connectionIds]}::text[])
    RETURNING p.connection_id`;
  return [...new Set(rows.map((row) => row.connection_id))];
}

/**
 * Frees seats whose lease or grace ran out (their device never came back, or its node died),
 * ending calls that empties.
 */
export async function freeStaleSeats(db: Db): Promise<CallChange[]> {
  const stale = await db.prisma.$queryRaw<Array<{ callId: string; userId: string; connectionId: string }>>`
    SELECT p.call_id::text AS "callId", p.user_id::text AS "userId", p.connection_id AS "connectionId"
      FROM call_participants p JOIN calls c ON c.id = p.call_id
     WHERE c.state IN ('ringing', 'active') AND p.stale_after < now()`;
  const changes: CallChange[] = [];
  for (const seat of stale) changes.push(await leaveCall(db, { ...seat, onlyIfStale: true }));
  return changes;
}
