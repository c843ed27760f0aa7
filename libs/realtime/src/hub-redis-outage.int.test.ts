import { encodeFrame, type ServerFrame } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusRecovery } from './bus.ts';
import { createHub, type Hub } from './hub.ts';
import { createRedisBus, type RedisBus } from './redis-bus.ts';
import { createFakeSocket, type FakeSocket } from './testing/fake-socket.ts';
import { chatMessage } from './testing/frames.ts';
import { createRecordingLogger } from './testing/recording-logger.ts';
import { createRedisAdmin, waitFor } from './testing/redis-admin.ts';
import { startRedisServer, type RedisServer } from './testing/redis-server.ts';
import { topics } from './topics.ts';

// Two nodes (hub + Redis bus each) on a redis-server of this file's own, which the tests kill,
// restart and freeze. Local delivery must go on; when the bus is whole again, sockets that may
// have missed frames are told which conversations to re-sync.

// Short timeouts so a frozen Redis is noticed within a couple of seconds, but not so short that
// a CPU-starved test run (CI runs projects side by side on 2 cores) misses a pong, drops a
// healthy connection and loses a publish this file expects to arrive.
const BUS_TIMING = { pingIntervalMs: 250, socketTimeoutMs: 1_500, maxReconnectDelayMs: 200 } as const;

let redis: RedisServer;
const open: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});
afterAll(() => redis?.close());

async function node(name: string): Promise<{ bus: RedisBus; hub: Hub }> {
  const logger = createRecordingLogger();
  const bus = createRedisBus({ url: redis.url, logger, connectionName: `fault-${name}`, ...BUS_TIMING });
  open.push(bus);
  await bus.waitUntilHealthy(5_000);
  const hub = createHub({ bus, logger });
  open.push(hub);
  return { bus, hub };
}

const socket = (id: string, userId: string) => createFakeSocket({ id, userId, sessionId: `s-${id}` });
const message = (seq: number) => encodeFrame(chatMessage('c1', seq));
const frames = (s: FakeSocket) => s.sent.map((raw) => JSON.parse(raw) as ServerFrame);
const resyncsOf = (s: FakeSocket) => frames(s).filter((f) => f.type === 'chat_resync');
const seqsOf = (s: FakeSocket) => frames(s).flatMap((f) => (f.type === 'chat_event' ? [f.event.seq] : []));

describe('hubs on Redis through a Redis outage', () => {
  it('keep delivering locally while Redis is killed, and tell sockets to re-sync once it is back', async () => {
    const a = await node('a');
    const b = await node('b');
    const a1 = socket('a1', 'u1');
    const a2 = socket('a2', 'u2');
    const b1 = socket('b1', 'u3');
    await a.hub.attach(a1, ['c1']);
    await a.hub.attach(a2, ['c1']);
    await b.hub.attach(b1, ['c1']);
    a.hub.publishToConversation('c1', chatMessage('c1', 1));
    await waitFor('seq 1 on node B', () => b1.sent.length === 1);

    await redis.kill();
    await waitFor('both buses to notice', () => !a.bus.health().ok && !b.bus.health().ok);
    a.hub.publishToConversation('c1', chatMessage('c1', 2));
    a.hub.publishToConversation('c1', chatMessage('c1', 3));
    // At once, in order, on the node that published: the bus is not in the way.
    expect(a1.sent).toEqual([message(1), message(2), message(3)]);
    expect(a2.sent).toEqual(a1.sent);
    expect(b1.sent).toEqual([message(1)]);

    const restartedAt = Date.now();
    await redis.restart();
    await waitFor('node B socket told to re-sync c1', () => resyncsOf(b1).length > 0, 10_000);
    console.info(`[faults] Redis killed and restarted: chat_resync on the other node ${Date.now() - restartedAt} ms after the restart`);
    for (const s of [a1, a2, b1]) {
      await waitFor(`${s.id} told to re-sync`, () => resyncsOf(s).some((f) => f.type === 'chat_resync' && f.conversationIds.includes('c1')), 5_000);
    }

    // Healthy again: every node gets each later frame exactly once, its publisher included.
    // (A socket's re-sync may come from the other node's announcement before its own bus has
    // reconnected both connections: wait for both, or a publish may still be dropped.)
    await waitFor('both buses healthy', () => a.bus.health().ok && b.bus.health().ok, 10_000);
    a.hub.publishToConversation('c1', chatMessage('c1', 4));
    await waitFor('seq 4 on node B', () => seqsOf(b1).includes(4), 5_000);
    b.hub.publishToConversation('c1', chatMessage('c1', 5));
    await waitFor('seq 5 on node A', () => seqsOf(a1).includes(5), 5_000);
    expect(seqsOf(a1)).toEqual([1, 2, 3, 4, 5]);
    expect(seqsOf(a2)).toEqual([1, 2, 3, 4, 5]);
    expect(seqsOf(b1)).toEqual([1, 4, 5]); // 2 and 3 were lost on the bus: the re-sync fetches them
  }, 30_000);

  it('keep delivering locally while Redis is frozen (SIGSTOP), deliver nothing twice, and re-sync after SIGCONT', async () => {
    const a = await node('a');
    const b = await node('b');
    const a1 = socket('a1', 'u1');
    const b1 = socket('b1', 'u2');
    await a.hub.attach(a1, ['c1']);
    await b.hub.attach(b1, ['c1']);
    const recoveries: BusRecovery[] = [];
    a.bus.onRecovered((r) => recoveries.push(r));

    redis.pause();
    try {
      a.hub.publishToConversation('c1', chatMessage('c1', 1));
      expect(a1.sent).toEqual([message(1)]); // the publish itself is stuck in Redis' socket
      await waitFor('both buses to give up on the frozen server', () => !a.bus.health().ok && !b.bus.health().ok, 8_000);
      a.hub.publishToConversation('c1', chatMessage('c1', 2));
      expect(a1.sent).toEqual([message(1), message(2)]);
    } finally {
      redis.resume();
    }
    const resumedAt = Date.now();
    await waitFor('node B socket told to re-sync c1', () => resyncsOf(b1).length > 0, 10_000);
    console.info(`[faults] Redis frozen then resumed: chat_resync on the other node ${Date.now() - resumedAt} ms after SIGCONT`);
    await waitFor('node A recovered', () => recoveries.length > 0, 5_000);
    expect(recoveries[0]).toMatchObject({ lostSubscriptions: true });
    expect(recoveries.flatMap((r) => r.droppedTopics)).toContain(topics.conversation('c1'));

    // A frozen Redis may still execute publishes it had read before it froze; the node that
    // made them skips them, so its sockets never see a frame twice.
    await waitFor('both buses healthy', () => a.bus.health().ok && b.bus.health().ok, 10_000);
    a.hub.publishToConversation('c1', chatMessage('c1', 3));
    await waitFor('seq 3 on node B', () => seqsOf(b1).includes(3), 5_000);
    const admin = createRedisAdmin(redis.url);
    try {
      await admin.redis.ping(); // everything Redis had queued before has been processed
    } finally {
      await admin.close();
    }
    expect(seqsOf(a1)).toEqual([1, 2, 3]);
  }, 30_000);
});
