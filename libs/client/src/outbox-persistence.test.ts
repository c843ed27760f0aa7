import { describe, expect, it } from 'vitest';
import { errorFrame, type ChatSendFrame } from '@parley/protocol';
import { createParleyClient } from './client.ts';
import type { ParleyClientError } from './errors.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import { OUTBOX_LEASE_MS, OUTBOX_LOAD_TIMEOUT_MS, OUTBOX_RENEW_MS } from './outbox-persistence.ts';
import { createMemoryOutboxStore, type OutboxStore } from './outbox-store.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { fakeSockets, type FakeSocket } from './testing/fake-socket.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeCreated } from './testing/messages.ts';

/** Lets every pending promise (store operations) settle; no time passes on the fake clock. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

let ids = 0;
/** One tab: a client on fake sockets sharing `clock` and `store` with the other tabs. */
function tab(clock: FakeClock, store: OutboxStore, owner: string) {
  const fake = fakeSockets();
  const client = createParleyClient({
    url: 'ws://test/ws',
    WebSocket: fake.WebSocket,
    clock,
    reconnect: { nextDelayMs: () => 100 },
    heartbeatIntervalMs: 600_000,
    newClientId: () => `client-id-${++ids}`,
    outboxStore: store,
    outboxOwner: owner,
  });
  const states: OutboxEntry[] = [];
  const errors: ParleyClientError[] = [];
  client.on('send_state', (entry) => states.push(entry));
  client.on('error', (error) => errors.push(error));
  /** Connects and answers hello once the store has been read. */
  const online = async (): Promise<FakeSocket> => {
    client.connect();
    await settle();
    return fake.accept();
  };
  return { client, fake, states, errors, online };
}

const sends = (socket: FakeSocket): ChatSendFrame[] => socket.sentOfType('chat_send');
let seq = 0;
const ack = (socket: FakeSocket, frame: ChatSendFrame) =>
  socket.deliver({ type: 'chat_ack', clientId: frame.clientId, duplicate: false, event: makeCreated(frame.conversationId, ++seq, { clientId: frame.clientId }) });

describe('outbox persistence', () => {
  it('survives a reload: restored entries wait, then go out first, with the same clientIds', async () => {
    const clock = new FakeClock();
    const store = createMemoryOutboxStore();
    const before = tab(clock, store, 'tab-1');
    before.client.connect(); // never reaches hello_ok: the network is gone
    const one = before.client.send(A, 'one');
    const two = before.client.send(A, 'two');
    await settle();
    before.client.close(); // the page reloads

    const after = tab(clock, store, 'tab-1');
    after.client.connect();
    await settle();
    expect(after.client.outbox().map((e) => [e.clientId, e.state, e.reason])).toEqual([
      [one.clientId, 'waiting', 'offline'],
      [two.clientId, 'waiting', 'offline'],
    ]);
    after.client.send(A, 'three');
    const socket = after.fake.accept();
    ack(socket, sends(socket)[0]!);
    ack(socket, sends(socket)[1]!);
    expect(sends(socket).map((f) => f.body)).toEqual(['one', 'two', 'three']);
    expect(sends(socket).slice(0, 2).map((f) => f.clientId)).toEqual([one.clientId, two.clientId]);
    await settle();
    expect(store.entries().map((e) => e.action)).toEqual([{ type: 'send', body: 'three' }]);
  });

  it('remembers across a reload which entries went on the wire, so a cancel never promises too much', async () => {
    const clock = new FakeClock();
    const store = createMemoryOutboxStore();
    const before = tab(clock, store, 'tab-1');
    const socket = await before.online();
    const wired = before.client.send(A, 'went out, no answer yet');
    expect(sends(socket)).toHaveLength(1);
    socket.drop(1006);
    const held = before.client.send(A, 'written while disconnected');
    await settle();
    before.client.close(); // the page reloads

    const after = tab(clock, store, 'tab-1');
    after.client.connect();
    await settle();
    const byId = new Map(after.client.outbox().map((e) => [e.clientId, e]));
    expect(byId.get(wired.clientId)).toMatchObject({ wasSent: true, attempts: 0 });
    expect(byId.get(held.clientId)).toMatchObject({ wasSent: false, attempts: 0 });
  });

  it('deletes on ack and on cancel, and keeps a failure with its reason across a reload', async () => {
    const clock = new FakeClock();
    const store = createMemoryOutboxStore();
    const first = tab(clock, store, 'tab-1');
    const socket = await first.online();
    const acked = first.client.send(A, 'acked');
    const refused = first.client.send(B, 'refused');
    const cancelled = first.client.send(A, 'cancelled');
    await settle();
    expect(store.entries()).toHaveLength(3);
    ack(socket, sends(socket)[0]!);
    socket.deliver(errorFrame('not_member', { ref: refused.clientId }));
    expect(first.client.cancel(cancelled.clientId)).toBe(false); // it went out after the ack
    first.fake.last().drop(1006);
    expect(first.client.cancel(cancelled.clientId)).toBe(true);
    await settle();
    expect(store.entries().map((e) => [e.clientId, e.failure?.reason])).toEqual([[refused.clientId, 'not_member']]);
    first.client.close();

    const second = tab(clock, store, 'tab-1');
    await second.online();
    expect(second.client.outbox()).toMatchObject([{ clientId: refused.clientId, state: 'failed', reason: 'not_member' }]);
    expect(acked.clientId).not.toBe(refused.clientId);
  });

  it('two tabs: each shows and sends only its own entries; a closed tab’s entries are adopted once its lease ends', async () => {
    const clock = new FakeClock();
    const store = createMemoryOutboxStore();
    const tabA = tab(clock, store, 'tab-a');
    tabA.client.connect();
    const fromA = tabA.client.send(A, 'written in tab A');
    await settle();

    const tabB = tab(clock, store, 'tab-b');
    const socketB = await tabB.online();
    expect(tabB.client.outbox()).toEqual([]);
    expect(sends(socketB)).toEqual([]);

    // Tab A keeps its lease while it runs...
    clock.advance(OUTBOX_LEASE_MS * 2);
    await settle();
    clock.advance(OUTBOX_RENEW_MS);
    await settle();
    expect(sends(socketB)).toEqual([]);

    // ...and once it is closed, B adopts the entry within a lease and a renewal.
    tabA.client.close();
    clock.advance(OUTBOX_LEASE_MS);
    await settle();
    clock.advance(OUTBOX_RENEW_MS);
    await settle();
    expect(tabB.client.outbox().map((e) => e.clientId)).toEqual([fromA.clientId]);
    expect(sends(socketB).map((f) => f.clientId)).toEqual([fromA.clientId]);
  });

  it('a tab that finds its entry taken over (it was frozen past its lease) stops sending it', async () => {
    const clock = new FakeClock();
    const store = createMemoryOutboxStore();
    const tabA = tab(clock, store, 'tab-a');
    await tabA.online();
    tabA.fake.last().drop(1006);
    const entry = tabA.client.send(A, 'x');
    await settle();
    // Tab A's timers did not run (a frozen background tab); B adopts the expired entry.
    await store.claim({ owner: 'tab-b', now: clock.now() + OUTBOX_LEASE_MS, leaseUntil: clock.now() + 2 * OUTBOX_LEASE_MS });
    clock.advance(OUTBOX_RENEW_MS);
    await settle();
    expect(tabA.states.at(-1)).toMatchObject({ clientId: entry.clientId, state: 'cancelled', reason: 'other_tab' });
    clock.advance(100);
    expect(sends(tabA.fake.accept())).toEqual([]);
  });

  it('a failing store is reported once and never stops sending', async () => {
    const clock = new FakeClock();
    const broken: OutboxStore = {
      claim: () => Promise.reject(new Error('QuotaExceededError')),
      put: () => Promise.reject(new Error('QuotaExceededError')),
      delete: () => Promise.reject(new Error('QuotaExceededError')),
    };
    const t = tab(clock, broken, 'tab-1');
    const socket = await t.online();
    t.client.send(A, 'one');
    t.client.send(B, 'two');
    await settle();
    expect(sends(socket).map((f) => f.body)).toEqual(['one', 'two']);
    expect(t.errors.map((e) => e.reason)).toEqual(['storage']);
  });

  it('a store that never answers holds sending back for OUTBOX_LOAD_TIMEOUT_MS at most', async () => {
    const clock = new FakeClock();
    const hanging: OutboxStore = {
      claim: () => new Promise(() => undefined),
      put: () => new Promise(() => undefined),
      delete: () => new Promise(() => undefined),
    };
    const t = tab(clock, hanging, 'tab-1');
    const socket = await t.online();
    t.client.send(A, 'one');
    expect(sends(socket)).toEqual([]);
    clock.advance(OUTBOX_LOAD_TIMEOUT_MS);
    expect(sends(socket).map((f) => f.body)).toEqual(['one']);
  });
});
