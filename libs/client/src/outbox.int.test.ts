import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ChatSendFrame } from '@parley/protocol';
import { createParleyClient, type ParleyClient, type ParleyClientOptions } from './client.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import { REAL_RATE_LIMIT, startFakeGateway, type FakeGateway, type FakeGatewayOptions } from './testing/fake-server.ts';
import { CONVERSATION_A as A } from './testing/messages.ts';
import { sleep, waitFor } from './testing/wait-for.ts';

let gateway: FakeGateway | undefined;
let client: ParleyClient | undefined;

afterEach(async () => {
  client?.close();
  await gateway?.close();
  client = gateway = undefined;
});

async function setup(clientOptions: Partial<ParleyClientOptions> = {}, gatewayOptions: FakeGatewayOptions = {}) {
  gateway = await startFakeGateway(gatewayOptions);
  client = createParleyClient({ url: gateway.url, WebSocket, reconnect: { nextDelayMs: () => 20 }, ...clientOptions });
  const states: OutboxEntry[] = [];
  client.on('send_state', (entry) => states.push(entry));
  client.connect();
  await waitFor(() => client?.status === 'open', 'open');
  return { gateway, client, states };
}

const sendsOf = (g: FakeGateway): ChatSendFrame[] => g.received.filter((f): f is ChatSendFrame => f.type === 'chat_send');

describe('outbox pacing and order against the real rate limit', () => {
  it('100 messages typed at ~20/s are stored in the order written, and none is refused for rate', async () => {
    const t = await setup({}, { rateLimit: REAL_RATE_LIMIT, commitDelayMs: 5 });
    const written = Array.from({ length: 100 }, (_, i) => `message ${i + 1}`);
    const started = Date.now();
    for (const body of written) {
      t.client.send(A, body);
      await sleep(50);
    }
    await waitFor(() => t.client.outbox().length === 0, 'all acked', 30_000);
    const stored = t.gateway.messages(A).map((m) => m.body);
    console.info(`100 messages at ~20/s: all acked ${Date.now() - started} ms after the first; ` +
      `${sendsOf(t.gateway).length} chat_send frames, ${t.gateway.rateLimited} refused for rate`);
    expect(stored).toEqual(written);
    expect(t.gateway.rateLimited).toBe(0);
    expect(t.states.filter((s) => s.reason === 'rate_limited' || s.state === 'failed')).toEqual([]);
    expect(sendsOf(t.gateway)).toHaveLength(100);
  }, 40_000);

  it('a server with a tighter limit than the SDK paces for: refusals are retried in order, never shown as failures', async () => {
    const t = await setup({}, { rateLimit: { capacity: 5, refillPerSecond: 20, maxInFlight: 64 } });
    const written = Array.from({ length: 40 }, (_, i) => `burst ${i + 1}`);
    for (const body of written) t.client.send(A, body);
    await waitFor(() => t.client.outbox().length === 0, 'all acked', 20_000);
    expect(t.gateway.messages(A).map((m) => m.body)).toEqual(written);
    expect(t.states.filter((s) => s.state === 'failed')).toEqual([]);
  }, 30_000);
});

describe('no needless chat_sync when acks overtake live copies', () => {
  /**
   * A busy group: before each of our sends someone else commits, and the gateway delivers our
   * ack before the live copy of that earlier seq (PROTOCOL.md §6.3: either can come first). Each
   * ack is then a gap of one seq that fills by itself a few ms later.
   */
  async function busyGroup(gapGraceMs: number | undefined) {
    // Pacing off: at 10 actions/s the live copies would mostly arrive before our next ack anyway.
    const pacing = { burst: 1_000, perSecond: 1_000 };
    const t = await setup(gapGraceMs === undefined ? { pacing } : { pacing, gapGraceMs }, { liveDelayMs: 20 });
    t.client.track(A, 0);
    await waitFor(() => t.gateway.received.some((f) => f.type === 'chat_sync'), 'resume sync');
    await sleep(20);
    const seqs: number[] = [];
    t.client.on('event', (e) => seqs.push(e.seq));
    for (let i = 0; i < 100; i += 1) {
      t.gateway.commit(A, `theirs ${i}`);
      const entry = t.client.send(A, `mine ${i}`);
      await waitFor(() => t.states.some((s) => s.clientId === entry.clientId && s.state === 'sent'), 'ack');
      // Each round on its own: one sync in flight would otherwise cover the next round's gap too.
      await waitFor(() => seqs.length === 2 * (i + 1), 'both events of this round');
    }
    await sleep(600); // a grace still running would sync now
    const syncs = t.gateway.received.filter((f) => f.type === 'chat_sync').length - 1; // minus the resume
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    client?.close();
    await gateway?.close();
    client = gateway = undefined;
    return syncs;
  }

  it('stays near zero with the gap grace, against one per message without it', async () => {
    const withGrace = await busyGroup(undefined);
    const withoutGrace = await busyGroup(0);
    console.info(`200 events, 100 of them our acks ahead of an earlier live copy: ${withGrace} chat_sync with GAP_GRACE_MS, ${withoutGrace} without`);
    expect(withGrace).toBeLessThanOrEqual(3);
    expect(withoutGrace).toBeGreaterThanOrEqual(50);
  }, 60_000);
});
