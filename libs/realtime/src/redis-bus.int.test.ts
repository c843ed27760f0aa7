import { CLOSE_CODES, encodeFrame } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusRecovery } from './bus.ts';
import { createHub, type Hub } from './hub.ts';
import { createRedisBus, type RedisBus, type RedisBusOptions } from './redis-bus.ts';
import type { RedisBusHealth } from './redis-bus-health.ts';
import { createFakeSocket } from './testing/fake-socket.ts';
import { chatMessage } from './testing/frames.ts';
import { createRecordingLogger, type RecordingLogger } from './testing/recording-logger.ts';
import { createRedisAdmin, runPrefix, testRedisUrl, waitFor, type RedisAdmin } from './testing/redis-admin.ts';
import { createTcpProxy } from './testing/tcp-proxy.ts';
import { topics } from './topics.ts';

const { url, skip } = testRedisUrl();
const run = runPrefix();

describe.skipIf(skip)('redis bus against a real Redis', () => {
  let admin: RedisAdmin;
  const open: Array<{ close(): Promise<void> }> = [];
  let counter = 0;

  beforeAll(() => {
    if (url === undefined) {
      throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis bus tests must run in CI (e.g. TEST_REDIS_URL=redis://127.0.0.1:6379)');
    }
    admin = createRedisAdmin(url);
  });
  afterEach(async () => {
    // Hubs first (they unsubscribe through their bus), then buses.
    for (const item of open.splice(0).reverse()) await item.close();
  });
  afterAll(async () => {
    await admin?.close();
  });

  const topic = (label: string) => `${run}:${label}:${(counter += 1)}`;

  async function bus(label: string, extra: Partial<RedisBusOptions> = {}): Promise<{ bus: RedisBus; logger: RecordingLogger; name: string }> {
    const logger = createRecordingLogger();
    const name = `${run}-${label}-${(counter += 1)}`;
    const created = createRedisBus({ url: url!, logger, connectionName: name, ...extra });
    open.push(created);
    await created.waitUntilHealthy(3_000);
    return { bus: created, logger, name };
  }

  function collect(into: string[]) {
    return (payload: string) => {
      into.push(payload);
    };
  }

  it('delivers publishes from another node in order, exactly as sent, batched per tick', async () => {
    const { bus: a } = await bus('a');
    const { bus: b } = await bus('b');
    const t = topic('order');
    const onA: string[] = [];
    await a.subscribe(t, collect(onA));

    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    sent.push('', 'héllo 🌍\n"quoted" \\ \u0000 end');
    const batchesBefore = b.stats().publishBatches;
    for (const payload of sent) b.publish(t, payload);
    await waitFor('all payloads on A', () => onA.length === sent.length);

    expect(onA).toEqual(sent);
    expect(b.stats().publishBatches - batchesBefore).toBe(1); // one pipeline for the whole tick
    expect(b.stats()).toMatchObject({ droppedPublishes: 0, inFlightPublishes: 0 });
  });

  it('resolves subscribe only once Redis confirmed it', async () => {
    const { bus: a } = await bus('a');
    const t = topic('confirm');
    const got: string[] = [];
    await a.subscribe(t, collect(got));
    // PUBLISH returns how many subscribers Redis delivered to: the subscription is live now.
    expect(await admin.redis.publish(t, 'right after')).toBe(1);
    await waitFor('delivery', () => got.length === 1);
    expect(got).toEqual(['right after']);
  });

  it('keeps subscribe pending while Redis has subscribed but its reply has not arrived', async () => {
    const proxy = await createTcpProxy(url!);
    open.push(proxy);
    const { bus: a } = await bus('proxied', { url: proxy.url });
    const t = topic('held');
    proxy.holdReplies();
    let resolved = false;
    const subscribing = a.subscribe(t, () => undefined).then(() => {
      resolved = true;
    });
    await waitFor('Redis to subscribe', async () => (await admin.numsub(t)) === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resolved).toBe(false);
    proxy.resumeReplies();
    await subscribing;
    expect(resolved).toBe(true);
  });

  it('shares one Redis subscription per topic and unsubscribes when the last handler leaves', async () => {
    const { bus: a } = await bus('a');
    const t = topic('refcount');
    const first: string[] = [];
    const second: string[] = [];
    const offFirst = await a.subscribe(t, collect(first));
    const offSecond = await a.subscribe(t, collect(second));
    expect(a.stats().topics).toBe(1);
    expect(await admin.numsub(t)).toBe(1);

    await offFirst();
    await offFirst(); // idempotent: must not release the second handler's share
    expect(await admin.numsub(t)).toBe(1);
    a.publish(t, 'still here');
    await waitFor('second handler', () => second.length === 1);
    expect(first).toEqual([]);

    await offSecond();
    expect(await admin.numsub(t)).toBe(0);
    expect(a.stats().topics).toBe(0);
  });

  it('ends subscribed after subscribe, unsubscribe, subscribe in quick succession', async () => {
    const { bus: a } = await bus('a');
    const t = topic('race');
    const got: string[] = [];
    const off = await a.subscribe(t, collect(got));
    // UNSUBSCRIBE not awaited: the new SUBSCRIBE is in flight behind it.
    const unsubscribing = off();
    const again = a.subscribe(t, collect(got));
    await Promise.all([unsubscribing, again]);
    expect(await admin.numsub(t)).toBe(1);
    expect(await admin.redis.publish(t, 'after race')).toBe(1);
    await waitFor('delivery after race', () => got.length === 1);
  });

  it('carries hub frames and control messages between two nodes', async () => {
    const { bus: busA } = await bus('hub-a');
    const { bus: busB } = await bus('hub-b');
    const logger = createRecordingLogger();
    const nodeA: Hub = createHub({ bus: busA, logger });
    const nodeB: Hub = createHub({ bus: busB, logger });
    open.push(busA, busB, nodeA, nodeB); // reversed on teardown: hubs close first
    const c1 = `${run}-c1`;
    const c2 = `${run}-c2`;
    const onB = createFakeSocket({ id: `${run}-b1`, userId: `${run}-u1`, sessionId: `${run}-s1` });
    await nodeB.attach(onB, [c1]);

    nodeA.publishToConversation(c1, chatMessage(c1, 1));
    await waitFor('frame on B', () => onB.sent.length === 1);
    expect(onB.sent).toEqual([encodeFrame(chatMessage(c1, 1))]);

    nodeA.joinConversation(onB.userId, c2);
    await waitFor('B subscribed to the joined conversation', async () => (await admin.numsub(topics.conversation(c2))) === 1);
    nodeA.publishToConversation(c2, chatMessage(c2, 1));
    await waitFor('joined frame on B', () => onB.sent.length === 2);
    expect(onB.sent[1]).toBe(encodeFrame(chatMessage(c2, 1)));

    nodeA.closeSession(onB.sessionId, CLOSE_CODES.unauthorized.code, 'signed_out');
    await waitFor('session closed on B', () => onB.closed !== undefined);
    expect(onB.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    await waitFor('B left every topic', async () => (await admin.numsub(topics.conversation(c1))) === 0);
    expect(nodeB.stats()).toMatchObject({ sockets: 0, conversations: 0 });
    expect(logger.entries).toEqual([]);
  });

  it('survives killed connections: reports down, drops publishes, restores subscriptions', async () => {
    // A slower first reconnect leaves a window in which the outage is observable.
    const { bus: a, logger, name } = await bus('outage', { minReconnectDelayMs: 300 });
    const { bus: b } = await bus('peer');
    const kept = topic('kept');
    const gone = topic('gone');
    const got: string[] = [];
    await a.subscribe(kept, collect(got));
    const offGone = await a.subscribe(gone, () => undefined);
    const changes: RedisBusHealth[] = [];
    a.onHealthChange((h) => changes.push(h));
    const recoveries: BusRecovery[] = [];
    a.onRecovered((r) => recoveries.push(r));

    expect(await admin.killClients(`${name}:`)).toBe(2);
    await waitFor('both connections down', () => !a.health().publisherUp && !a.health().subscriberUp);
    expect(a.health().ok).toBe(false);
    const dropped = a.health().droppedPublishes;
    for (let i = 0; i < 1_000; i += 1) a.publish(kept, `lost ${i}`);
    expect(a.health().droppedPublishes - dropped).toBe(1_000); // dropped, not queued
    expect(a.stats().inFlightPublishes).toBe(0);
    // Subscribing meanwhile is not refused: the topic is subscribed once Redis is back.
    const during = topic('during');
    const gotDuring: string[] = [];
    await a.subscribe(during, collect(gotDuring));
    await offGone(); // must not come back with the reconnect

    await a.waitUntilHealthy(3_000);
    expect(changes.map((h) => h.ok)).toEqual([false, true]);
    // Reported once, when whole again: what this node may have missed, and what it dropped.
    expect(recoveries).toEqual([{ lostSubscriptions: true, droppedTopics: [kept] }]);
    expect(await admin.numsub(kept)).toBe(1);
    expect(await admin.numsub(during)).toBe(1);
    expect(await admin.numsub(gone)).toBe(0);
    b.publish(during, 'to a topic subscribed during the outage');
    await waitFor('delivery on the topic subscribed during the outage', () => gotDuring.length === 1);
    b.publish(kept, 'after outage');
    a.publish(kept, 'own publish after outage');
    await waitFor('deliveries after recovery', () => got.length === 2);
    expect(got.sort()).toEqual(['after outage', 'own publish after outage']);

    const down = logger.entries.filter((e) => e.msg.startsWith('redis bus down'));
    const recovered = logger.entries.filter((e) => e.msg === 'redis bus recovered');
    expect(down).toHaveLength(1);
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.obj).toMatchObject({ droppedPublishes: 1_000 });
    expect(logger.entries.length).toBeLessThanOrEqual(5); // no line per retry or per drop
  });

  it('close() quits both connections and refuses later use', async () => {
    const { bus: a, name } = await bus('close');
    await a.subscribe(topic('closing'), () => undefined);
    expect(await admin.clientNames(`${name}:`)).toHaveLength(2);
    await a.close();
    await waitFor('connections gone', async () => (await admin.clientNames(`${name}:`)).length === 0);
    expect(a.health().ok).toBe(false);
    a.publish(topic('closed'), 'ignored');
    await expect(a.subscribe(topic('closed'), () => undefined)).rejects.toThrow('closed');
  });
});
