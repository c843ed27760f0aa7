import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { sharedRedisScope } from './testing/redis-scope.ts';
import { startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { signUpUser, trpcCall, type TestUser } from './testing/http-client.ts';
import { ackedMessage, connectionIdOf, nextMessage, openReadySocket, presenceIn, type TestSocket } from './testing/ws-client.ts';

// Two real gateway processes on one Postgres and one Redis. Redis is required under CI.
const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL && process.env.CI === 'true') throw new Error('TEST_REDIS_URL must be set in CI (multi-node tests need Redis)');
if (!REDIS_URL) console.warn('multinode.int.test.ts skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379 to run it');

const PRESENCE_TTL_MS = 3000;
const PRESENCE_GRACE_MS = 500;

let database: TestDatabase;
const redisScope = sharedRedisScope(REDIS_URL ?? 'redis://127.0.0.1:1');
const nodes: NodeProcess[] = [];
const sockets: TestSocket[] = [];

async function startNode(id: number): Promise<NodeProcess> {
  const node = await startNodeProcess({
    DATABASE_URL: database.databaseUrl,
    REDIS_URL: REDIS_URL!,
    REDIS_KEY_PREFIX: redisScope.keyPrefix,
    NODE_ID: `test-node-${id}-${process.pid}`,
    PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
    PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
  });
  nodes.push(node);
  return node;
}

async function connect(node: NodeProcess, user: TestUser): Promise<TestSocket> {
  const origin = `http://localhost:${node.port}`;
  const socket = await openReadySocket(`ws://localhost:${node.port}/ws`, { cookie: user.cookie, origin });
  sockets.push(socket);
  return socket;
}

const presenceOf = (socket: TestSocket, userId: string, status: string, timeoutMs?: number) =>
  socket.nextPresence((p) => p.userId === userId && p.status === status, { timeoutMs });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const endedUpdates = (socket: TestSocket, callId: string) =>
  socket.frames.filter((f) => f.type === 'call_update' && f.call.id === callId && f.call.state === 'ended');

describe.skipIf(!REDIS_URL)('two gateway nodes sharing Postgres and Redis', () => {
  let node1: NodeProcess;
  let node2: NodeProcess;
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    [node1, node2] = await Promise.all([startNode(1), startNode(2)]);
    const origin1 = `http://localhost:${node1.port}`;
    alice = await signUpUser(origin1, 'alice');
    bob = await signUpUser(origin1, 'bob');
    const opened = await trpcCall<{ conversationId: string }>(origin1, 'conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
    conversationId = opened.data!.conversationId;
  }, 120_000);

  // Every test starts with everyone offline: close what it opened and let the grace pass.
  afterEach(async () => {
    const open = sockets.splice(0);
    for (const socket of open) socket.close();
    await Promise.all(open.map((s) => s.closed));
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_GRACE_MS + 1000));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await database?.drop();
    await redisScope.clear();
  });

  it('exchanges messages, typing and read receipts across nodes, and shares presence', async () => {
    const b2 = await connect(node2, bob);
    const a1 = await connect(node1, alice);
    // Alice's snapshot already knows Bob (connected on the other node) is online.
    const snapshot = await a1.next('presence_snapshot');
    expect(snapshot.users).toContainEqual(expect.objectContaining({ userId: bob.user.id, status: 'online' }));

    a1.send({ type: 'typing', conversationId, active: true });
    const typing = await b2.next('typing_update', (f) => f.userId === alice.user.id);
    expect(typing).toMatchObject({ conversationId, active: true });
    expect(typing.expiresInMs).toBeGreaterThan(0);

    a1.send({ type: 'chat_send', clientId: 'client-node1-1', conversationId, body: 'from node 1' });
    const ack = await a1.next('chat_ack');
    expect((await nextMessage(b2, (m) => m.id === ackedMessage(ack).id)).body).toBe('from node 1');
    // Sending ended Alice's typing for Bob.
    await b2.next('typing_update', (f) => f.userId === alice.user.id && !f.active);

    b2.send({ type: 'chat_send', clientId: 'client-node2-1', conversationId, body: 'from node 2' });
    const reply = await b2.next('chat_ack');
    await nextMessage(a1, (m) => m.id === ackedMessage(reply).id);

    b2.send({ type: 'chat_read', conversationId, seq: ackedMessage(reply).seq });
    const receipt = await a1.next('read_state', (f) => f.userId === bob.user.id);
    expect(receipt.lastReadSeq).toBe(ackedMessage(reply).seq);
  });

  it('keeps a user on both nodes online while one of their tabs closes', async () => {
    const a1 = await connect(node1, alice);
    const b1 = await connect(node1, bob);
    const b2 = await connect(node2, bob);
    await presenceOf(a1, bob.user.id, 'online');
    b1.close();
    await b1.closed;
    // Well past the grace period: still no "offline" or "away" for Bob.
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_GRACE_MS + 1500));
    expect(presenceIn(a1.frames).filter((p) => p.userId === bob.user.id && p.status !== 'online')).toEqual([]);
    b2.send({ type: 'presence_set', state: 'idle' });
    await presenceOf(a1, bob.user.id, 'away');
    b2.send({ type: 'presence_set', state: 'active' });
    await presenceOf(a1, bob.user.id, 'online');
  });

  it('shows the users of a node killed with -9 offline within the TTL, and back after restart', async () => {
    const b2 = await connect(node2, bob);
    const a1 = await connect(node1, alice);
    await a1.next('hello_ok');
    const killedAt = Date.now();
    await node1.kill9();
    const offline = await presenceOf(b2, alice.user.id, 'offline', 30_000);
    const elapsedMs = Date.now() - killedAt;
    expect(elapsedMs).toBeLessThan(PRESENCE_TTL_MS + 5000);
    expect(offline.lastSeenAt).not.toBeNull();

    node1 = await startNode(1);
    await connect(node1, alice);
    await presenceOf(b2, alice.user.id, 'online', 10_000);
  }, 60_000);

  /** Alice on node 1 calls Bob on node 2; resolves once Bob has taken the call. */
  async function callAcrossNodes(): Promise<{ a1: TestSocket; b2: TestSocket; callId: string }> {
    const a1 = await connect(node1, alice);
    const b2 = await connect(node2, bob);
    const callId = randomUUID();
    a1.send({ type: 'call_invite', callId, conversationId, media: 'audio' });
    await b2.next('call_ring', (f) => f.call.id === callId);
    b2.send({ type: 'call_accept', callId });
    await a1.next('call_update', (f) => f.call.id === callId && f.call.state === 'active');
    return { a1, b2, callId };
  }

  it('frees the call seat of a device on a node killed with -9, so the call ends and the conversation is free', async () => {
    const { a1, callId } = await callAcrossNodes();
    // Both nodes renew their seats: two whole leases later the call still runs.
    await sleep(PRESENCE_TTL_MS * 2);
    expect(endedUpdates(a1, callId)).toEqual([]);

    const killedAt = Date.now();
    await node2.kill9();
    const ended = await a1.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended', 30_000);
    expect(Date.now() - killedAt).toBeLessThan(PRESENCE_TTL_MS + 6000);
    expect(ended.call.endReason).toBe('completed');
    expect((await nextMessage(a1, (m) => m.call?.callId === callId)).call?.endReason).toBe('completed');

    // Nothing left running: a new call in the conversation is not a conflict.
    const next = randomUUID();
    a1.send({ type: 'call_invite', callId: next, conversationId, media: 'audio' });
    expect((await a1.next('call_update', (f) => f.call.id === next)).call.state).toBe('ringing');
    a1.send({ type: 'call_hangup', callId: next });
    await a1.next('call_update', (f) => f.call.id === next && f.call.state === 'ended');
    node2 = await startNode(2);
  }, 60_000);

  it('keeps a call whose device reconnects to the other node after its node was killed', async () => {
    const { a1, callId } = await callAcrossNodes();
    await node2.kill9();
    // What the SDK does on reconnect: the running call shows on connect, and it accepts again.
    const b1 = await connect(node1, bob);
    await b1.next('call_update', (f) => f.call.id === callId && f.call.state === 'active');
    b1.send({ type: 'call_accept', callId });
    await a1.next('call_update', (f) => f.call.id === callId && f.call.participants.some((p) => p.connectionId === connectionIdOf(b1)));

    // Well past the dead node's lease: Bob's seat lives on with its new socket.
    await sleep(PRESENCE_TTL_MS * 2);
    expect(endedUpdates(a1, callId)).toEqual([]);
    const offer = { kind: 'description' as const, description: { type: 'offer' as const, sdp: 'v=0\r\n' } };
    a1.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(b1), data: offer });
    expect((await b1.next('call_signal_in', (f) => f.callId === callId)).data).toEqual(offer);

    a1.send({ type: 'call_hangup', callId });
    expect((await b1.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended')).call.endReason).toBe('completed');
    node2 = await startNode(2);
  }, 60_000);

  it('gives the seats of a node shut down gracefully the reconnect grace, not just the rest of their lease', async () => {
    const { a1, b2, callId } = await callAcrossNodes();
    await node2.stop();
    await b2.closed;
    // Past two leases: a seat left to its lease would be gone and the call ended.
    await sleep(PRESENCE_TTL_MS * 2);
    expect(endedUpdates(a1, callId)).toEqual([]);
    const b1 = await connect(node1, bob);
    b1.send({ type: 'call_accept', callId });
    await a1.next('call_update', (f) => f.call.id === callId && f.call.participants.some((p) => p.connectionId === connectionIdOf(b1)));
    a1.send({ type: 'call_hangup', callId });
    await b1.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended');
    node2 = await startNode(2);
  }, 60_000);
});
