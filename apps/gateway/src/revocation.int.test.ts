import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, hashSessionToken, newSessionToken } from '@parley/api';
import { createDb, createSession, type Db } from '@parley/db';
import { createTestDatabase, waitFor, type TestDatabase } from '@parley/db/testing';
import { CLOSE_CODES, type ServerFrame } from '@parley/protocol';
import { startRedisServer, type RedisServer } from '@parley/realtime/testing';
import { ACCESS_POLL_MS } from './access/access-watch.ts';
import { sendMessage } from './testing/chat-load.ts';
import { signUpUser, trpcCall, type TestUser } from './testing/http-client.ts';
import { startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { nextMessage, openReadySocket, openSocket, type TestSocket } from './testing/ws-client.ts';

// Two real gateway processes on a redis-server of this file's own. Removals and sign-outs are
// made on node A while Redis is frozen (SIGSTOP) or killed, so the bus message that would tell
// node B is lost or late: node B must still apply them within the documented bound, from the
// access log in Postgres, and node A at once.

/** PROTOCOL.md §8 "Many gateway nodes": one read of the access log, plus its queries. */
const REVOCATION_BOUND_MS = 2 * ACCESS_POLL_MS;

let redis: RedisServer;
let database: TestDatabase;
let db: Db;
let nodeA: NodeProcess;
let nodeB: NodeProcess;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const sockets: TestSocket[] = [];

const originOf = (node: NodeProcess) => `http://localhost:${node.port}`;

async function connect(node: NodeProcess, user: TestUser): Promise<TestSocket> {
  const socket = await openReadySocket(`ws://localhost:${node.port}/ws`, { cookie: user.cookie, origin: originOf(node) });
  sockets.push(socket);
  return socket;
}

async function signIn(user: TestUser): Promise<TestUser> {
  const res = await trpcCall(originOf(nodeA), 'auth.signIn', { handle: user.user.handle, password: 'correct horse battery' });
  if (!res.setCookie) throw new Error(`sign-in failed: ${JSON.stringify(res.error)}`);
  return { user: user.user, cookie: res.setCookie.split(';')[0]! };
}

async function createGroup(): Promise<string> {
  const res = await trpcCall<{ conversationId: string }>(
    originOf(nodeA),
    'conversations.createGroup',
    { title: 'team', memberIds: [bob.user.id, carol.user.id] },
    { cookie: alice.cookie },
  );
  return res.data!.conversationId;
}

/** Live frames of one conversation (a late `conversation_changed: removed` from the bus is harmless and not counted). */
const framesOf = (socket: TestSocket, conversationId: string): ServerFrame[] =>
  socket.frames.filter(
    (f) =>
      (f.type === 'chat_event' && f.event.conversationId === conversationId) ||
      ((f.type === 'typing_update' || f.type === 'read_state') && f.conversationId === conversationId) ||
      (f.type === 'chat_resync' && f.conversationIds.includes(conversationId)),
  );
const eventSeqsAfter = (socket: TestSocket, conversationId: string, seq: number) =>
  socket.frames.flatMap((f) => (f.type === 'chat_event' && f.event.conversationId === conversationId && f.event.seq > seq ? [f.event.seq] : []));

beforeAll(async () => {
  redis = await startRedisServer();
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.databaseUrl, poolMax: 2 });
  const start = (id: string) =>
    startNodeProcess({ DATABASE_URL: database.databaseUrl, REDIS_URL: redis.url, NODE_ID: `revocation-${id}-${process.pid}` });
  [nodeA, nodeB] = await Promise.all([start('a'), start('b')]);
  alice = await signUpUser(originOf(nodeA), 'alice');
  bob = await signUpUser(originOf(nodeA), 'bob');
  carol = await signUpUser(originOf(nodeA), 'carol');
}, 120_000);

afterEach(async () => {
  redis.resume();
  const open = sockets.splice(0);
  for (const socket of open) socket.close();
  await Promise.all(open.map((s) => s.closed));
});

afterAll(async () => {
  await Promise.all([nodeA, nodeB].map((node) => node?.stop()));
  await db?.close();
  await redis?.close();
  await database?.drop();
});

describe('revocation is durable: two gateway processes, Redis frozen or down during the change', () => {
  it('a member removed while Redis is frozen gets nothing more of the conversation, at once on the node that removed them and within the bound elsewhere', async () => {
    const conversationId = await createGroup();
    const aliceA = await connect(nodeA, alice);
    const bobA = await connect(nodeA, bob);
    const bobB = await connect(nodeB, bob);
    const carolB = await connect(nodeB, carol);
    const carolB2 = await connect(nodeB, carol);
    const warmup = await sendMessage(carolB, conversationId);
    await nextMessage(bobA, (m) => m.clientId === warmup.clientId);

    redis.pause();
    // Alice keeps sending while she removes Bob: her sends commit just after the removal, on
    // the node that made it, where local delivery is synchronous.
    const burst = Promise.all(Array.from({ length: 20 }, () => sendMessage(aliceA, conversationId)));
    const removal = await trpcCall(originOf(nodeA), 'conversations.removeMember', { conversationId, userId: bob.user.id }, { cookie: alice.cookie });
    const removedAt = Date.now();
    expect(removal.status).toBe(200);
    expect((await burst).filter((o) => o.kind !== 'ack')).toEqual([]);
    const removedEvent = await aliceA.next(
      'chat_event',
      (f) => f.event.kind === 'message_created' && f.event.message.kind === 'system' && f.event.message.system?.action === 'member_removed',
    );
    const removedSeq = removedEvent.event.seq;

    // Node A: told at once, and not one event after the removal.
    await bobA.next('conversation_changed', (f) => f.conversationId === conversationId && f.change === 'removed', 1_000);
    expect(eventSeqsAfter(bobA, conversationId, removedSeq)).toEqual([]);

    // Node B never heard the bus message: the access log tells it, within the bound.
    await bobB.next('conversation_changed', (f) => f.conversationId === conversationId && f.change === 'removed', REVOCATION_BOUND_MS);
    console.info(`[faults] removal with Redis frozen: the other node applied it ${Date.now() - removedAt} ms after the commit`);
    const seenByBobB = framesOf(bobB, conversationId).length;
    // Carol's message on node B reaches her other tab there, and not Bob's socket on the same node.
    const fromCarol = await sendMessage(carolB, conversationId);
    await nextMessage(carolB2, (m) => m.clientId === fromCarol.clientId);
    carolB.send({ type: 'typing', conversationId, active: true });
    await carolB2.next('typing_update', (f) => f.userId === carol.user.id);

    // Redis thaws and delivers what node A published meanwhile: Carol gets it, Bob does not.
    redis.resume();
    const lastOfBurst = (await burst).at(-1)!;
    await nextMessage(carolB2, (m) => m.clientId === lastOfBurst.clientId, 15_000).catch(() => undefined);
    const after = await sendMessage(aliceA, conversationId);
    await nextMessage(carolB2, (m) => m.clientId === after.clientId, 15_000);
    expect(framesOf(bobB, conversationId).slice(seenByBobB)).toEqual([]);
    expect(eventSeqsAfter(bobB, conversationId, removedSeq)).toEqual([]);
    expect(eventSeqsAfter(bobA, conversationId, removedSeq)).toEqual([]);
  }, 60_000);

  it('a sign-out while Redis is down closes that session on every node with 4001 within the bound, and only that session', async () => {
    const secondSession = await signIn(bob);
    const laptopA = await connect(nodeA, secondSession);
    const laptopB = await connect(nodeB, secondSession);
    const phoneB = await connect(nodeB, bob); // Bob's first session, on node B

    await redis.kill();
    const signOut = await trpcCall(originOf(nodeA), 'auth.signOut', undefined, { cookie: secondSession.cookie });
    const signedOutAt = Date.now();
    expect(signOut.status).toBe(200);
    expect(await laptopA.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    let closedAt = 0;
    const closed = laptopB.closed.then((c) => ((closedAt = Date.now()), c));
    await waitFor('the other node to close the signed-out socket', () => closedAt > 0, { timeoutMs: REVOCATION_BOUND_MS });
    expect(await closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    console.info(`[faults] sign-out with Redis down: the other node closed the session's socket ${closedAt - signedOutAt} ms after the commit`);
    expect(phoneB.ws.readyState).toBe(phoneB.ws.OPEN);
    await redis.restart();
  }, 60_000);

  it('signing out another device from the Sessions page while Redis is down closes it on the other node within the bound', async () => {
    const laptop = await signIn(carol);
    const laptopB = await connect(nodeB, laptop);
    const phoneB = await connect(nodeB, carol);
    const sessions = await trpcCall<Array<{ id: string; current: boolean }>>(originOf(nodeA), 'account.sessions', undefined, { cookie: laptop.cookie, method: 'GET' });
    const laptopId = sessions.data!.find((s) => s.current)!.id;

    await redis.kill();
    const res = await trpcCall(originOf(nodeA), 'account.revokeSession', { sessionId: laptopId }, { cookie: carol.cookie });
    const revokedAt = Date.now();
    expect(res.status).toBe(200);
    let closedAt = 0;
    const closed = laptopB.closed.then((c) => ((closedAt = Date.now()), c));
    await waitFor('the other node to close the revoked session', () => closedAt > 0, { timeoutMs: REVOCATION_BOUND_MS });
    expect(await closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    console.info(`[faults] Sessions-page sign-out with Redis down: closed on the other node ${closedAt - revokedAt} ms after the commit`);
    expect(phoneB.ws.readyState).toBe(phoneB.ws.OPEN);
    await redis.restart();
  }, 60_000);

  it('a session that expires while its socket is open is closed with 4001 session_expired when it expires', async () => {
    const token = newSessionToken();
    // Long enough for the socket to get through hello on a loaded machine before it expires.
    const expiresAt = Date.now() + 5_000;
    await createSession(db, { userId: carol.user.id, tokenHash: hashSessionToken(token), expiresAt: new Date(expiresAt) });
    const socket = await connect(nodeB, { user: carol.user, cookie: `${SESSION_COOKIE}=${token}` });
    expect(await socket.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'session_expired' });
    // When it expires: not before, and not long after.
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(Date.now() - expiresAt).toBeLessThan(1_000);
    // And it cannot come back: the upgrade refuses the expired session.
    const again = await openSocket(`ws://localhost:${nodeB.port}/ws`, { cookie: `${SESSION_COOKIE}=${token}`, origin: originOf(nodeB) });
    expect(await again.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'unauthorized' });
  }, 30_000);
});
