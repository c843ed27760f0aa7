import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushPayloadSchema } from '@parley/protocol';
import { startLocalPushService, type LocalPushService } from '@parley/api/testing';
import { SUBSCRIBER_CHECK_MS } from './push/push-service.ts';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { act } from './testing/ws-client.ts';

// Web Push with two gateway nodes on one Postgres: the node that commits a message decides the
// push, so what it knows of the other node (subscriptions, who is looking) must come from
// Postgres, not from its own memory.

let service: LocalPushService;
let a: Harness;
let b: Harness;
let alice: TestUser;
let bob: TestUser;
let direct: string;

beforeAll(async () => {
  service = await startLocalPushService();
  const options = { env: { PUSH_ALLOW_LOOPBACK: 'true' }, pushAgent: new Agent({ ca: service.certificatePem }) };
  a = await startHarness(options);
  b = await startHarness({ ...options, databaseUrl: a.databaseUrl });
  [alice, bob] = await Promise.all([a.signUp('alice'), a.signUp('bob')]);
  direct = (await a.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie })).data!.conversationId;
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await service?.close();
});

const pushes = (subscriptionId: string) => service.received.filter((p) => p.subscriptionId === subscriptionId).map((p) => PushPayloadSchema.parse(JSON.parse(p.text)));

describe('push across nodes', () => {
  it('a node that started with no subscriber anywhere notices one made on another node within its check interval', async () => {
    const sub = service.subscribe();
    expect((await a.trpc('push.subscribe', sub.json, { cookie: bob.cookie })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, SUBSCRIBER_CHECK_MS + 500));
    const sender = await b.connect(alice);
    const ack = await act(sender, { type: 'chat_send', conversationId: direct, body: 'via node b' });
    expect(ack.type).toBe('chat_ack');
    await service.next((p) => p.subscriptionId === sub.id);
    expect(pushes(sub.id)).toHaveLength(1);
    // Both nodes sign with the one key pair stored in Postgres.
    const keyA = (await a.trpc<{ publicKey: string }>('push.publicKey', undefined, { cookie: bob.cookie, method: 'GET' })).data!.publicKey;
    const keyB = (await b.trpc<{ publicKey: string }>('push.publicKey', undefined, { cookie: bob.cookie, method: 'GET' })).data!.publicKey;
    expect(keyB).toBe(keyA);
    expect(service.received.at(-1)?.vapidKey).toBe(keyA);
  }, 20_000);

  it('someone looking at the conversation through node A gets no push for a message committed on node B', async () => {
    const sub = service.received.at(-1)!.subscriptionId;
    const before = pushes(sub).length;
    const reader = await a.connect(bob);
    reader.send({ type: 'presence_set', state: 'active', viewing: direct });
    await expect
      .poll(async () => (await a.server.deps.db.pool.query('SELECT 1 FROM active_views WHERE user_id = $1', [bob.user.id])).rowCount)
      .toBe(1);
    const sender = await b.connect(alice);
    await act(sender, { type: 'chat_send', conversationId: direct, body: 'bob reads this live' });
    await b.server.deps.push.idle();
    expect(pushes(sub)).toHaveLength(before);

    // The socket closes: the view goes with it, and pushes resume.
    reader.close();
    await reader.closed;
    await expect
      .poll(async () => (await a.server.deps.db.pool.query('SELECT 1 FROM active_views WHERE user_id = $1', [bob.user.id])).rowCount)
      .toBe(0);
    const received = service.received.length;
    await act(sender, { type: 'chat_send', conversationId: direct, body: 'bob left' });
    await service.next((p) => p.subscriptionId === sub && service.received.indexOf(p) >= received);
    expect(pushes(sub).at(-1)).toMatchObject({ conversationId: direct, title: 'New message from Alice' });
  });
});
