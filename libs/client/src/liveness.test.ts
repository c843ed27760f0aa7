import { describe, expect, it } from 'vitest';
import { ACK_DOUBT_MS } from './client.ts';
import type { ConnectivityChange } from './connectivity.ts';
import { LIVENESS_TIMEOUT_MS } from './heartbeat.ts';
import { describeConnectivity } from './human-text.ts';
import { CONVERSATION_A as A } from './testing/messages.ts';
import { unitClient } from './testing/unit-client.ts';

const INTERVAL_MS = 25_000;

function setup(overrides: Parameters<typeof unitClient>[0] = {}) {
  const t = unitClient(overrides);
  const changes: ConnectivityChange[] = [];
  t.client.on('connectivity', (change) => changes.push(change));
  const pings = () => t.fake.last().sentOfType('ping');
  const answer = () => t.fake.last().deliver({ type: 'pong', nonce: pings().at(-1)?.nonce ?? '' });
  return { ...t, changes, pings, answer };
}

describe('noticing a dead connection', () => {
  it('with no hint at all: within one heartbeat interval plus LIVENESS_TIMEOUT_MS', () => {
    const { client, clock, connect, answer, pings } = setup();
    connect();
    clock.advance(INTERVAL_MS);
    answer(); // alive at 25 s; the network vanishes right after, silently
    clock.advance(INTERVAL_MS + LIVENESS_TIMEOUT_MS - 1);
    expect(pings()).toHaveLength(2);
    expect(client.status).toBe('open');
    clock.advance(1);
    expect(client.status).toBe('reconnecting');
  });

  it('after the browser says offline: shown at once, socket dropped within LIVENESS_TIMEOUT_MS, back online on `online`', () => {
    const { client, clock, connect, fake, changes, pings } = setup();
    connect();
    expect(changes.map((c) => c.state)).toEqual(['connecting', 'online']);
    client.reportNetworkChange(false);
    expect(client.connectivity).toBe('offline');
    expect(describeConnectivity(changes.at(-1)!)).toBe('Waiting for connection…');
    expect(pings()).toHaveLength(1); // probed at once
    clock.advance(LIVENESS_TIMEOUT_MS - 1);
    expect(client.status).toBe('open');
    clock.advance(1);
    expect(fake.sockets[0]?.closedWith?.code).toBe(4004);
    expect(client.status).toBe('reconnecting');
    expect(client.connectivity).toBe('offline'); // still no network: not "Reconnecting…"
    clock.advance(100);
    fake.last().drop(1006); // reconnecting fails while offline
    client.reportNetworkChange(true);
    expect(client.connectivity).toBe('reconnecting');
    expect(fake.sockets).toHaveLength(3); // `online` skipped the backoff
    fake.accept();
    expect(changes.at(-1)).toEqual({ state: 'online', previous: 'reconnecting' });
    expect(describeConnectivity(changes.at(-1)!)).toBe('Back online');
  });

  it('an `offline` the socket disproves (it answers) goes back to online without a reconnect', () => {
    const { client, connect, answer, fake } = setup();
    connect();
    client.reportNetworkChange(false);
    answer();
    expect(client.connectivity).toBe('online');
    expect(fake.sockets).toHaveLength(1);
  });

  it('when an action gets no answer: within ACK_DOUBT_MS + LIVENESS_TIMEOUT_MS, and the action then waits', () => {
    const { client, clock, connect } = setup();
    connect();
    const entry = client.send(A, 'into the void');
    clock.advance(ACK_DOUBT_MS + LIVENESS_TIMEOUT_MS - 1);
    expect(client.status).toBe('open');
    clock.advance(1);
    expect(client.status).toBe('reconnecting');
    expect(client.outbox()).toMatchObject([{ clientId: entry.clientId, state: 'waiting', reason: 'offline', inFlight: false }]);
  });

  it('checkConnection() probes; a probe already waiting is not doubled', () => {
    const { client, connect, pings } = setup();
    connect();
    client.checkConnection();
    client.checkConnection();
    expect(pings()).toHaveLength(1);
  });

  it('is patient while a sync page may be on its way (its pong is queued behind it)', () => {
    const { client, clock, connect } = setup();
    const socket = connect();
    client.track(A, 0); // a chat_sync is now in flight
    client.checkConnection();
    clock.advance(LIVENESS_TIMEOUT_MS * 3);
    expect(client.status).toBe('open');
    socket.deliver({ type: 'chat_sync_result', conversationId: A, afterSeq: 0, events: [], hasMore: false, throughSeq: 0 });
    clock.advance(LIVENESS_TIMEOUT_MS);
    expect(client.status).toBe('reconnecting');
  });

  it('costs one ping per heartbeat interval on an idle socket', () => {
    const { clock, connect, answer, pings } = setup();
    connect();
    for (let i = 0; i < 144; i += 1) {
      clock.advance(INTERVAL_MS);
      answer();
    }
    expect(pings()).toHaveLength(144); // an hour: 144 pings of ~28 bytes each way
  });
});
