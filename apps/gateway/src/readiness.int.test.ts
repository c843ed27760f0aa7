import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './testing/harness.ts';
import { sendMessage } from './testing/chat-load.ts';
import { nextMessage } from './testing/ws-client.ts';

// A Redis that is not there (nothing listens on port 1): the node must still start, accept
// sockets and serve them locally, and say it is degraded without asking to be pulled out of a
// load balancer (Redis is shared: its outage hits every node at once).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
}, 60_000);
afterAll(() => h?.close());

describe('a node whose Redis is down', () => {
  it('answers /healthz, and /readyz 200 degraded (503 only when asked to require the bus)', async () => {
    const base = `http://localhost:${h.server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'degraded', checks: { database: 'ok', bus: 'down' } });
    const strict = await fetch(`${base}/readyz?bus=required`);
    expect(strict.status).toBe(503);
    expect(await strict.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', bus: 'down' } });
  });

  it('accepts new sockets and delivers between its own sockets', async () => {
    const alice = await h.signUp('alice');
    const bob = await h.signUp('bob');
    const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
    const conversationId = opened.data!.conversationId;
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    // Presence lives in Redis: no snapshot yet, said so, and the socket is live anyway.
    expect(await a.next('error', (f) => f.ref === 'hello')).toMatchObject({ code: 'unavailable', retryable: true });
    const sent = await sendMessage(a, conversationId);
    expect(sent.kind).toBe('ack');
    await nextMessage(b, (m) => m.clientId === sent.clientId);
  });
});
