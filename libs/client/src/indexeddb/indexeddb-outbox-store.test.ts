// idb checks `instanceof IDBRequest` etc.: give Node the IndexedDB classes (each test still uses its own factory).
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createParleyClient } from '../client.ts';
import type { StoredOutboxEntry } from '../outbox-store.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { fakeSockets } from '../testing/fake-socket.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B } from '../testing/messages.ts';
import { createIndexedDbOutboxStore, deleteIndexedDbOutbox, outboxDatabaseName } from './indexeddb-outbox-store.ts';
import { sessionOwnerId } from './session-owner.ts';

const USER = '00000000-0000-4000-8000-0000000000a1';

const entry = (clientId: string, owner: string, leaseUntil: number, order = 1, conversationId = A): StoredOutboxEntry => ({
  clientId,
  conversationId,
  action: { type: 'send', body: `body of ${clientId}` },
  order,
  createdAt: 0,
  owner,
  leaseUntil,
});

describe('createIndexedDbOutboxStore', () => {
  it('puts, claims and deletes; a put never overwrites another live tab’s entry', async () => {
    const indexedDB = new IDBFactory();
    const store = createIndexedDbOutboxStore({ userId: USER, indexedDB });
    expect(await store.put(entry('k-one-12345', 'tab-a', 100), 0)).toBe(true);
    expect(await store.put(entry('k-one-12345', 'tab-b', 200), 50)).toBe(false);
    expect(await store.put(entry('k-two-12345', 'tab-a', 100, 2), 0)).toBe(true);
    const claimed = await store.claim({ owner: 'tab-a', now: 60, leaseUntil: 160 });
    expect(claimed.mine.map((e) => [e.clientId, e.leaseUntil])).toEqual([
      ['k-one-12345', 160],
      ['k-two-12345', 160],
    ]);
    await store.delete('k-one-12345');
    expect((await store.claim({ owner: 'tab-b', now: 60, leaseUntil: 300 })).others.map((e) => e.clientId)).toEqual(['k-two-12345']);
    store.close();
  });

  it('two tabs claiming an expired entry at once: exactly one gets it', async () => {
    const indexedDB = new IDBFactory();
    const tabA = createIndexedDbOutboxStore({ userId: USER, indexedDB });
    const tabB = createIndexedDbOutboxStore({ userId: USER, indexedDB });
    await tabA.put(entry('k-left-12345', 'closed-tab', 10), 0);
    const [a, b] = await Promise.all([
      tabA.claim({ owner: 'tab-a', now: 20, leaseUntil: 1_000 }),
      tabB.claim({ owner: 'tab-b', now: 20, leaseUntil: 1_000 }),
    ]);
    expect([a.mine.length, b.mine.length].sort()).toEqual([0, 1]);
    expect([a.others.length, b.others.length].sort()).toEqual([0, 1]);
  });

  it('keeps users apart, skips records it cannot send (without deleting them), and can delete a user’s outbox', async () => {
    const indexedDB = new IDBFactory();
    const store = createIndexedDbOutboxStore({ userId: USER, indexedDB });
    const other = createIndexedDbOutboxStore({ userId: '00000000-0000-4000-8000-0000000000b0', indexedDB });
    await store.put(entry('k-good-12345', 'tab-a', 0), 0);
    await store.put({ ...entry('k-newer-12345', 'tab-a', 0), action: { type: 'pin', messageId: 'x' } } as never, 0);
    expect((await other.claim({ owner: 'tab-a', now: 0, leaseUntil: 1 })).mine).toEqual([]);
    const claimed = await store.claim({ owner: 'tab-a', now: 0, leaseUntil: 1 });
    expect(claimed.mine.map((e) => e.clientId)).toEqual(['k-good-12345']);
    store.close();
    const raw = await new Promise<unknown[]>((resolve, reject) => {
      const open = indexedDB.open(outboxDatabaseName(USER));
      open.onsuccess = () => {
        const all = open.result.transaction('entries').objectStore('entries').getAll();
        all.onsuccess = () => {
          open.result.close();
          resolve(all.result as unknown[]);
        };
      };
      open.onerror = () => reject(open.error as Error);
    });
    expect(raw).toHaveLength(2);
    await deleteIndexedDbOutbox({ userId: USER, indexedDB });
    const reopened = createIndexedDbOutboxStore({ userId: USER, indexedDB });
    expect((await reopened.claim({ owner: 'tab-a', now: 0, leaseUntil: 1 })).mine).toEqual([]);
  });

  it('carries unsent messages across a reload of the page', async () => {
    const indexedDB = new IDBFactory();
    const clock = new FakeClock();
    const open = () => {
      const fake = fakeSockets();
      let ids = 0;
      const client = createParleyClient({
        url: 'ws://test/ws',
        WebSocket: fake.WebSocket,
        clock,
        heartbeatIntervalMs: 600_000,
        newClientId: () => `k-${Math.random().toString(36).slice(2)}-${++ids}`,
        outboxStore: createIndexedDbOutboxStore({ userId: USER, indexedDB }),
        outboxOwner: 'tab-1',
      });
      return { client, fake };
    };
    const before = open();
    before.client.connect();
    const one = before.client.send(A, 'one');
    const two = before.client.send(B, 'two');
    await vi.waitFor(async () => {
      const seen = await createIndexedDbOutboxStore({ userId: USER, indexedDB }).claim({ owner: 'peek', now: 0, leaseUntil: 0 });
      expect(seen.others).toHaveLength(2);
    });
    before.client.close();

    const after = open();
    after.client.connect();
    await vi.waitFor(() => expect(after.client.outbox()).toHaveLength(2));
    const socket = after.fake.accept();
    expect(socket.sentOfType('chat_send').map((f) => [f.clientId, f.body])).toEqual([
      [one.clientId, 'one'],
      [two.clientId, 'two'],
    ]);
    after.client.close();
  });
});

describe('sessionOwnerId', () => {
  it('is kept for the tab and survives a reload, and still works without storage', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    const first = sessionOwnerId(storage, () => 'owner-1');
    expect(sessionOwnerId(storage, () => 'owner-2')).toBe(first);
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => undefined,
    };
    expect(sessionOwnerId(broken, () => 'owner-3')).toBe('owner-3');
  });
});
