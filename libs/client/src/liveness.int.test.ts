import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ChatSendFrame } from '@parley/protocol';
import { createParleyClient, type ParleyClient } from './client.ts';
import type { Connectivity } from './connectivity.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import { startFakeGateway, type FakeGateway } from './testing/fake-server.ts';
import { CONVERSATION_A as A } from './testing/messages.ts';
import { sleep, waitFor } from './testing/wait-for.ts';

let gateway: FakeGateway | undefined;
let client: ParleyClient | undefined;

afterEach(async () => {
  client?.close();
  await gateway?.close();
  client = gateway = undefined;
});

/** Default liveness settings: the numbers printed are what a user would see. */
async function setup() {
  gateway = await startFakeGateway();
  client = createParleyClient({ url: gateway.url, WebSocket, reconnect: { nextDelayMs: () => 50 } });
  const states: OutboxEntry[] = [];
  const connectivity: Array<{ state: Connectivity; at: number }> = [];
  client.on('send_state', (entry) => states.push(entry));
  client.on('connectivity', ({ state }) => connectivity.push({ state, at: Date.now() }));
  client.connect();
  await waitFor(() => client?.status === 'open', 'open');
  return { gateway, client, states, connectivity };
}

/** The network vanishes without a close event reaching either side. */
function networkGone(g: FakeGateway): void {
  g.blackhole = true;
  g.accepting = false;
}

function networkBack(g: FakeGateway): void {
  g.blackhole = false;
  g.accepting = true;
}

describe('a connection that dies silently (real sockets, default timings)', () => {
  it('is shown offline at once on the browser’s `offline`, and dropped a liveness timeout later', async () => {
    const t = await setup();
    networkGone(t.gateway);
    const lostAt = Date.now();
    t.client.reportNetworkChange(false);
    const shownMs = (t.connectivity.at(-1)?.at ?? Infinity) - lostAt;
    await waitFor(() => t.client.status === 'reconnecting', 'dropped', 15_000);
    console.info(`offline event: "Waiting for connection…" after ${shownMs} ms, socket dropped after ${Date.now() - lostAt} ms`);
    expect(t.client.connectivity).toBe('offline');
  }, 20_000);

  it('is noticed from an unanswered message with no hint from the browser; the messages go out once when it is back', async () => {
    const t = await setup();
    networkGone(t.gateway);
    const lostAt = Date.now();
    const one = t.client.send(A, 'written offline 1');
    const two = t.client.send(A, 'written offline 2');
    await waitFor(() => t.client.status === 'reconnecting', 'dropped', 15_000);
    const noticedMs = Date.now() - lostAt;
    expect(t.client.outbox().map((e) => [e.clientId, e.state, e.reason])).toEqual([
      [one.clientId, 'waiting', 'offline'],
      [two.clientId, 'waiting', 'offline'],
    ]);
    await sleep(1_000); // a while offline: nothing fails, nothing times out
    expect(t.states.filter((s) => s.state === 'failed')).toEqual([]);
    networkBack(t.gateway);
    await waitFor(() => t.client.outbox().length === 0, 'both acked', 15_000);
    console.info(`no hint: the dead socket was noticed ${noticedMs} ms after the first unanswered send`);
    expect(t.gateway.messages(A).map((m) => [m.clientId, m.body])).toEqual([
      [one.clientId, 'written offline 1'],
      [two.clientId, 'written offline 2'],
    ]);
    const sends = t.gateway.received.filter((f): f is ChatSendFrame => f.type === 'chat_send');
    expect(new Set(sends.map((f) => f.clientId))).toEqual(new Set([one.clientId, two.clientId]));
  }, 30_000);
});
