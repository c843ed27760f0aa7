import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, type TestDatabase } from '../testing/index.ts';
import { acceptCall, createCall, freeStaleSeats, getCall, leaveCall, liveCallsForUser, markSeatsStale, renewSeats } from './calls.ts';
import { openDirectConversation, recheckSocket } from './conversations.ts';

let testDb: TestDatabase;
let db: Db;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running 1:1 call: A's socket `a-<n>`, B's `b-<n>`, both seats on a `leaseMs` lease. */
async function runningCall(leaseMs: number) {
  const a = await createTestUser(db, 'lease');
  const b = await createTestUser(db, 'lease');
  const { conversationId } = await openDirectConversation(db, a.id, b.id);
  const callId = randomUUID();
  const tag = callId.slice(0, 8);
  await createCall(db, { callId, conversationId, callerId: a.id, connectionId: `a-${tag}`, media: 'audio', leaseMs });
  await acceptCall(db, { callId, userId: b.id, connectionId: `b-${tag}`, leaseMs });
  return { callId, a: `a-${tag}`, b: `b-${tag}` };
}

describe('call seat leases', () => {
  it('renews only seats in live calls and says which sockets still hold one', async () => {
    const live = await runningCall(60_000);
    expect((await renewSeats(db, [live.a, live.b, 'never-seated'], 60_000)).sort()).toEqual([live.a, live.b].sort());
    expect(await renewSeats(db, [], 60_000)).toEqual([]);
    // Many sockets in one statement (one array parameter, not one per id).
    const many = Array.from({ length: 70_000 }, (_, i) => `socket-${i}`);
    expect(await renewSeats(db, [...many, live.a], 60_000)).toEqual([live.a]);
  });

  it('frees seats whose lease ran out, ending the call, but keeps renewed ones', async () => {
    const lapsed = await runningCall(50);
    const renewed = await runningCall(50);
    await sleep(80);
    await renewSeats(db, [renewed.a, renewed.b], 60_000);
    const changes = await freeStaleSeats(db);
    expect(changes.filter((c) => c.call.id === lapsed.callId && c.ended)).toHaveLength(1);
    expect((await getCall(db, lapsed.callId))?.state).toBe('ended');
    expect((await getCall(db, renewed.callId))?.participants).toHaveLength(2);
  });

  it('a closed socket keeps its seat for the grace, then loses it', async () => {
    const call = await runningCall(60_000);
    expect(await markSeatsStale(db, call.b, 60)).toBe(1);
    await freeStaleSeats(db);
    expect((await getCall(db, call.callId))?.participants).toHaveLength(2);
    await sleep(90);
    await freeStaleSeats(db);
    expect((await getCall(db, call.callId))?.state).toBe('ended');
  });

  it("uses Postgres' clock: a node whose clock runs an hour slow does not get its seats swept by another", async () => {
    // The slow node takes and renews the seats...
    vi.useFakeTimers({ toFake: ['Date'] });
    let call: Awaited<ReturnType<typeof runningCall>>;
    try {
      vi.setSystemTime(Date.now() - 3_600_000);
      call = await runningCall(60_000);
      await renewSeats(db, [call.a, call.b], 60_000);
    } finally {
      vi.useRealTimers();
    }
    // ...and a node with the right time sweeps.
    await freeStaleSeats(db);
    expect((await getCall(db, call.callId))?.participants).toHaveLength(2);
  });
});

describe('live calls on connect: recheckSocket says whether, liveCallsForUser which', () => {
  it("lists ringing and running calls in the user's conversations only, and none once they end", async () => {
    const a = await createTestUser(db, 'live');
    const b = await createTestUser(db, 'live');
    const stranger = await createTestUser(db, 'live');
    // What a connect asks first (in its re-check): exactly when liveCallsForUser has something.
    const liveFor = async (userId: string) => {
      const { liveCall } = await recheckSocket(db, userId, randomUUID(), { withContacts: false });
      expect(liveCall).toBe((await liveCallsForUser(db, userId)).length > 0);
      return liveCall;
    };
    expect(await liveCallsForUser(db, a.id)).toEqual([]);
    expect(await liveFor(a.id)).toBe(false);
    const { conversationId } = await openDirectConversation(db, a.id, b.id);
    const ringing = randomUUID();
    await createCall(db, { callId: ringing, conversationId, callerId: a.id, connectionId: `a-${ringing}`, media: 'video', leaseMs: 60_000 });
    const forB = await liveCallsForUser(db, b.id);
    expect(forB.map((l) => [l.call.id, l.call.state, l.declinedBy])).toEqual([[ringing, 'ringing', []]]);
    expect(forB[0]?.call.participants.map((p) => p.userId)).toEqual([a.id]);
    expect(await liveCallsForUser(db, stranger.id)).toEqual([]);
    expect([await liveFor(a.id), await liveFor(b.id), await liveFor(stranger.id)]).toEqual([true, true, false]);
    // Running (accepted) still counts; ended does not.
    await acceptCall(db, { callId: ringing, userId: b.id, connectionId: `b-${ringing}`, leaseMs: 60_000 });
    expect((await liveCallsForUser(db, a.id)).map((l) => l.call.state)).toEqual(['active']);
    await leaveCall(db, { callId: ringing, userId: a.id });
    await leaveCall(db, { callId: ringing, userId: b.id });
    expect((await getCall(db, ringing))?.state).toBe('ended');
    expect(await liveCallsForUser(db, a.id)).toEqual([]);
    expect(await liveFor(b.id)).toBe(false);
    expect(await liveCallsForUser(db, 'not-a-uuid')).toEqual([]);
  });
});
