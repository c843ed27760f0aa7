import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, waitFor, watchProcessFaults, type ProcessFaults, type TestDatabase } from '@parley/db/testing';
import { startRedisServer, type RedisServer } from '@parley/realtime/testing';
import type { ChatResyncFrame } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { sendMessage, syncAll } from './testing/chat-load.ts';
import { liveMessages, nextMessage, type TestSocket } from './testing/ws-client.ts';

// Two gateway nodes on a redis-server of this file's own, which the test kills and restarts.
// While it is down each node still delivers to its own sockets; when it is back, every socket
// that may have missed frames is told which conversations to re-sync, without waiting for the
// next message.

let redis: RedisServer;
let database: TestDatabase;
let nodeA: Harness;
let nodeB: Harness;
let faults: ProcessFaults;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  redis = await startRedisServer();
  database = await createTestDatabase();
  const node = (id: string) => startHarness({ databaseUrl: database.databaseUrl, env: { REDIS_URL: redis.url, NODE_ID: `fault-${id}` } });
  [nodeA, nodeB] = await Promise.all([node('a'), node('b')]);
  alice = await nodeA.signUp('alice');
  bob = await nodeA.signUp('bob');
  const opened = await nodeA.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
  conversationId = opened.data!.conversationId;
  faults = watchProcessFaults();
}, 60_000);

afterAll(async () => {
  faults?.dispose();
  await nodeA?.close();
  await nodeB?.close();
  await redis?.close();
  await database?.drop();
});

afterEach(() => {
  const escaped = faults.describe();
  faults.clear();
  expect(escaped).toEqual([]);
});

async function busOf(node: Harness): Promise<string | undefined> {
  const response = await fetch(`${node.origin}/readyz`);
  return ((await response.json()) as { checks?: { bus?: string } }).checks?.bus;
}

const liveSeqs = (socket: TestSocket) =>
  socket.frames.flatMap((f) => (f.type === 'chat_event' && f.event.conversationId === conversationId ? [f.event.seq] : []));
const resyncOf = (socket: TestSocket) =>
  socket.frames.find((f): f is ChatResyncFrame => f.type === 'chat_resync' && f.conversationIds.includes(conversationId));

describe('two gateway nodes through a Redis outage', () => {
  it('deliver locally while Redis is down, and tell every socket to re-sync within seconds of its return', async () => {
    const a1 = await nodeA.connect(alice);
    const a2 = await nodeA.connect(alice); // a second tab on the same node
    const b1 = await nodeB.connect(bob);
    const first = await sendMessage(a1, conversationId);
    await nextMessage(b1, (m) => m.clientId === first.clientId);

    await redis.kill();
    await waitFor('both nodes to report the bus down', async () => (await busOf(nodeA)) === 'down' && (await busOf(nodeB)) === 'down');

    // Committed during the outage on node A: A's other tab sees it live, B cannot.
    const during = await sendMessage(a1, conversationId);
    expect(during.kind).toBe('ack');
    const seq = during.kind === 'ack' ? during.message.seq : 0;
    await nextMessage(a2, (m) => m.seq === seq, 2_000);
    const fromBob = await sendMessage(b1, conversationId);
    expect(fromBob.kind).toBe('ack');
    expect(liveSeqs(b1)).not.toContain(seq);

    const restartedAt = Date.now();
    await redis.restart();
    await b1.nextWhere((f) => f.type === 'chat_resync' && f.conversationIds.includes(conversationId), 'chat_resync on node B', 10_000);
    console.info(`[faults] two gateways, Redis killed and restarted: chat_resync on node B ${Date.now() - restartedAt} ms after the restart`);
    // Node A's sockets missed Bob's message the same way, and are told too.
    for (const socket of [a1, a2]) {
      await socket.nextWhere((f) => f.type === 'chat_resync' && f.conversationIds.includes(conversationId), 'chat_resync on node A', 5_000);
    }
    expect(resyncOf(b1)?.conversationIds).toEqual([conversationId]);

    // What the client does with it: chat_sync from its lastSeq (the end of what it holds
    // without a gap) fills the gap.
    const held = new Set(liveSeqs(b1));
    let lastSeq = 0;
    while (held.has(lastSeq + 1)) lastSeq += 1;
    const missed = (await syncAll(b1, conversationId)).filter((m) => m.seq > lastSeq).map((m) => m.clientId);
    expect(missed).toContain(during.clientId);
    await waitFor('both nodes ready again', async () => (await busOf(nodeA)) === 'ok' && (await busOf(nodeB)) === 'ok');

    // And live delivery across nodes works again, once per socket.
    const after = await sendMessage(a1, conversationId);
    await nextMessage(b1, (m) => m.clientId === after.clientId);
    await nextMessage(a2, (m) => m.clientId === after.clientId);
    expect(liveMessages(a2).filter((m) => m.clientId === after.clientId)).toHaveLength(1);
  }, 60_000);

  it('accept new sockets while Redis is down, serve them locally, and restore their subscriptions when it is back', async () => {
    const a1 = await nodeA.connect(alice);
    await redis.kill();
    await waitFor('both nodes to report the bus down', async () => (await busOf(nodeA)) === 'down' && (await busOf(nodeB)) === 'down');

    // A new socket on each node while Redis is gone: hello_ok, no presence snapshot yet.
    const b1 = await nodeB.connect(bob);
    const a2 = await nodeA.connect(alice);
    expect(await a2.next('error', (f) => f.ref === 'hello')).toMatchObject({ code: 'unavailable', retryable: true });
    const local = await sendMessage(a1, conversationId);
    await nextMessage(a2, (m) => m.clientId === local.clientId, 2_000);

    const restartedAt = Date.now();
    await redis.restart();
    // Its subscriptions were registered while Redis was away: restored, and it is told to re-sync.
    await b1.nextWhere((f) => f.type === 'chat_resync' && f.conversationIds.includes(conversationId), 'chat_resync for the new socket', 10_000);
    await a2.next('presence_snapshot', undefined, 10_000);
    console.info(`[faults] socket opened during a Redis outage: chat_resync and presence snapshot ${Date.now() - restartedAt} ms after the restart`);
    // A resync can come from the other node's announcement before this node's own publisher is
    // back: live delivery across nodes is checked once both say the bus is whole.
    await waitFor('both nodes ready again', async () => (await busOf(nodeA)) === 'ok' && (await busOf(nodeB)) === 'ok');
    const across = await sendMessage(a2, conversationId);
    await nextMessage(b1, (m) => m.clientId === across.clientId, 5_000);
    const back = await sendMessage(b1, conversationId);
    await nextMessage(a2, (m) => m.clientId === back.clientId, 5_000);
  }, 60_000);
});
