// PROTOCOL.md §5.16: a socket that watches presence hears only the people it names, gets no
// snapshot of every contact at connect, and never hears a stranger, on one node and across two.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PRESENCE_WATCH } from '@parley/protocol';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { signUpUser, trpcCall } from './testing/http-client.ts';
import { startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { sharedRedisScope } from './testing/redis-scope.ts';
import { openReadySocket, openSocket, presenceIn, type TestSocket } from './testing/ws-client.ts';

const GRACE_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a ping and waits for its pong: every frame the server sent before it has arrived. */
async function settle(socket: TestSocket): Promise<void> {
  const nonce = randomUUID();
  socket.send({ type: 'ping', nonce });
  await socket.next('pong', (f) => f.nonce === nonce);
}

describe('presence_watch on one node', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let stranger: TestUser;
  let groupId: string;

  beforeAll(async () => {
    h = await startHarness({ env: { PRESENCE_GRACE_MS: String(GRACE_MS) } });
    [alice, bob, carol, stranger] = (await Promise.all(['alice', 'bob', 'carol', 'stranger'].map((handle) => h.signUp(handle)))) as [TestUser, TestUser, TestUser, TestUser];
    const group = await h.trpc<{ conversationId: string }>(
      'conversations.createGroup',
      { title: 'Watchers', memberIds: [bob.user.id, carol.user.id] },
      { cookie: alice.cookie },
    );
    groupId = group.data!.conversationId;
  });
  afterAll(() => h?.close());
  afterEach(async () => {
    await h.closeSockets();
    await sleep(GRACE_MS + 200);
  });

  it('connects without a snapshot, then hears only the contacts it watches', async () => {
    const b = await h.connect(bob);
    const a = await h.connect(alice, { presence: 'watch' });
    await settle(a);
    expect(a.frames.some((f) => f.type === 'presence_snapshot')).toBe(false);
    // hello_ok says which mode each socket got: a client knows this server takes presence_watch.
    expect(await a.next('hello_ok')).toMatchObject({ presence: 'watch' });
    expect(await b.next('hello_ok')).toMatchObject({ presence: 'contacts' });

    // A stranger and Alice herself are named too: neither is in the answer.
    a.send({ type: 'presence_watch', userIds: [bob.user.id, stranger.user.id, alice.user.id] });
    const snapshot = await a.next('presence_snapshot');
    expect(snapshot.users).toEqual([{ userId: bob.user.id, status: 'online', lastSeenAt: null }]);

    const seen = a.frames.length;
    const c = await h.connect(carol); // a contact, not watched
    await h.connect(stranger);
    b.send({ type: 'presence_set', state: 'idle' });
    await a.nextPresence((p) => p.userId === bob.user.id && p.status === 'away', { after: seen });
    c.send({ type: 'presence_set', state: 'idle' });
    await sleep(600); // two announcement intervals: Carol's change went out meanwhile
    await settle(a);
    expect(presenceIn(a.frames.slice(seen)).map((p) => p.userId)).not.toContain(carol.user.id);
    expect(presenceIn(a.frames.slice(seen)).map((p) => p.userId)).not.toContain(stranger.user.id);
  });

  it('a second watch replaces the first; a tab in the default mode still hears every contact', async () => {
    const watching = await h.connect(alice, { presence: 'watch' });
    const everyone = await h.connect(alice);
    await everyone.next('presence_snapshot');
    watching.send({ type: 'presence_watch', userIds: [bob.user.id] });
    watching.send({ type: 'presence_watch', userIds: [carol.user.id] });
    // Answered in order: the last snapshot is the last watch.
    await watching.nextWhere((f) => f.type === 'presence_snapshot' && f.users.some((u) => u.userId === carol.user.id), 'carol snapshot');
    const snapshots = watching.frames.filter((f) => f.type === 'presence_snapshot');
    expect(snapshots.map((f) => f.users.map((u) => u.userId))).toEqual([[bob.user.id], [carol.user.id]]);

    const seenWatching = watching.frames.length;
    const seenEveryone = everyone.frames.length;
    await h.connect(bob);
    await h.connect(carol);
    await everyone.nextPresence((p) => p.userId === bob.user.id && p.status === 'online', { after: seenEveryone });
    await everyone.nextPresence((p) => p.userId === carol.user.id && p.status === 'online', { after: seenEveryone });
    await watching.nextPresence((p) => p.userId === carol.user.id && p.status === 'online', { after: seenWatching });
    await sleep(600);
    await settle(watching);
    // Carol only (her going offline at the end of the last test may arrive too); never Bob.
    expect(new Set(presenceIn(watching.frames.slice(seenWatching)).map((p) => p.userId))).toEqual(new Set([carol.user.id]));
  });

  it('stops hearing someone once they no longer share a conversation', async () => {
    const direct = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: stranger.user.id }, { cookie: carol.cookie });
    expect(direct.data).toBeDefined();
    const c = await h.connect(carol, { presence: 'watch' });
    c.send({ type: 'presence_watch', userIds: [bob.user.id] });
    expect((await c.next('presence_snapshot')).users.map((u) => u.userId)).toEqual([bob.user.id]);

    // Alice removes Bob from the only conversation he shares with Carol.
    const removed = await h.trpc('conversations.removeMember', { conversationId: groupId, userId: bob.user.id }, { cookie: alice.cookie });
    expect(removed.error).toBeUndefined();
    const seen = c.frames.length;
    await h.connect(bob);
    await sleep(600);
    await settle(c);
    expect(presenceIn(c.frames.slice(seen))).toEqual([]);
    // Asked again, Bob is no longer in the answer.
    c.send({ type: 'presence_watch', userIds: [bob.user.id] });
    expect((await c.next('presence_snapshot', (f) => c.frames.indexOf(f) >= seen)).users).toEqual([]);
  });

  it('refuses a list that is too long or not of user ids, and presence_watch before hello', async () => {
    const a = await h.connect(alice, { presence: 'watch' });
    a.send({ type: 'presence_watch', userIds: Array.from({ length: MAX_PRESENCE_WATCH + 1 }, () => randomUUID()) });
    expect(await a.next('error')).toMatchObject({ code: 'bad_frame', ref: 'presence_watch' });
    a.send({ type: 'presence_watch', userIds: ['not-a-user'] } as never);
    expect(await a.next('error', (f) => a.frames.filter((x) => x.type === 'error').indexOf(f) === 1)).toMatchObject({ code: 'bad_frame', ref: 'presence_watch' });
    // The socket still works: a valid watch is answered.
    a.send({ type: 'presence_watch', userIds: [] });
    expect((await a.next('presence_snapshot')).users).toEqual([]);

    const early = await openSocket(h.wsUrl, { cookie: alice.cookie, origin: h.origin });
    early.send({ type: 'presence_watch', userIds: [bob.user.id] });
    expect(await early.next('error')).toMatchObject({ code: 'hello_required', ref: 'presence_watch' });
    early.close();
  });
});

// Two real gateway processes on one Postgres and one Redis: the watch cuts what arrives from
// the other node too (the bus carries contact presence whole; each node cuts it per socket).
const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL && process.env.CI === 'true') throw new Error('TEST_REDIS_URL must be set in CI (multi-node tests need Redis)');

describe.skipIf(!REDIS_URL)('presence_watch across two nodes', () => {
  let database: TestDatabase;
  const redisScope = sharedRedisScope(REDIS_URL ?? 'redis://127.0.0.1:1');
  const nodes: NodeProcess[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const id of [1, 2]) {
      nodes.push(
        await startNodeProcess({
          DATABASE_URL: database.databaseUrl,
          REDIS_URL: REDIS_URL!,
          REDIS_KEY_PREFIX: redisScope.keyPrefix,
          NODE_ID: `watch-node-${id}-${process.pid}`,
          PRESENCE_GRACE_MS: String(GRACE_MS),
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await database?.drop();
    await redisScope.clear();
  });

  async function connect(node: NodeProcess, user: TestUser, presence?: 'watch'): Promise<TestSocket> {
    const socket = await openReadySocket(`ws://localhost:${node.port}/ws`, { cookie: user.cookie, origin: `http://localhost:${node.port}`, presence });
    sockets.push(socket);
    return socket;
  }

  it('a watcher on one node hears the watched contacts of a burst on the other, and only them', async () => {
    const [node1, node2] = nodes as [NodeProcess, NodeProcess];
    const origin = `http://localhost:${node1.port}`;
    const watcher = await signUpUser(origin, 'watcher');
    const crowd = await Promise.all(Array.from({ length: 12 }, (_, i) => signUpUser(origin, `crowd${i}`)));
    const group = await trpcCall(origin, 'conversations.createGroup', { title: 'Crowd', memberIds: crowd.map((u) => u.user.id) }, { cookie: watcher.cookie });
    expect(group.error).toBeUndefined();
    const watched = crowd.slice(0, 3).map((u) => u.user.id);

    const w = await connect(node1, watcher, 'watch');
    w.send({ type: 'presence_watch', userIds: watched });
    expect((await w.next('presence_snapshot')).users.map((u) => u.status)).toEqual(['offline', 'offline', 'offline']);
    // All twelve connect on the other node at once: their statuses cross the bus in batches.
    await Promise.all(crowd.map((u) => connect(node2, u)));
    for (const id of watched) await w.nextPresence((p) => p.userId === id && p.status === 'online');
    await sleep(600);
    await settle(w);
    expect(new Set(presenceIn(w.frames).map((p) => p.userId))).toEqual(new Set(watched));
  });
});
