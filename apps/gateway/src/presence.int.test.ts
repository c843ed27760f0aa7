import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { ackedMessage, presenceIn } from './testing/ws-client.ts';
import { DEFAULT_PRESENCE_SWEEP_MS } from '@parley/realtime';
import { PRESENCE_BATCH_INTERVAL_MS } from './presence.ts';

// Long enough for a reload's new socket to finish its hello on a loaded 2-core CI machine: at
// 400 ms it sometimes did not, and the offline that followed was right, but not what is tested.
const GRACE_MS = 1200;
let h: Harness;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  h = await startHarness({ env: { PRESENCE_GRACE_MS: String(GRACE_MS) } });
  alice = await h.signUp('alice', 'Alice');
  bob = await h.signUp('bob', 'Bob');
});
afterAll(() => h?.close());
// Each test starts with nobody connected and every grace period over, and its offline
// announced: the tracker settles a user at its next sweep after the grace, so waiting for the
// grace alone let the last test's offline land inside the next test's window.
afterEach(async () => {
  await h.closeSockets();
  await sleep(GRACE_MS + DEFAULT_PRESENCE_SWEEP_MS + 300);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` new users (handles `<prefix>0`…) in a group Alice made with them. */
async function aliceAndGroupOf(prefix: string, count: number): Promise<{ members: TestUser[]; groupId: string }> {
  const members = await Promise.all(Array.from({ length: count }, (_, i) => h.signUp(`${prefix}${i}`, `${prefix} ${i}`)));
  const group = await h.trpc<{ conversationId: string }>(
    'conversations.createGroup',
    { title: `${prefix}s`, memberIds: members.map((u) => u.user.id) },
    { cookie: alice.cookie },
  );
  return { members, groupId: group.data!.conversationId };
}

describe('presence, typing and receipts on one node', () => {
  it('introduces new contacts to each other at once, and only contacts hear presence', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const carol = await h.signUp('carol', 'Carol');
    const c = await h.connect(carol);
    // Not contacts yet: the snapshot is empty.
    expect((await a.next('presence_snapshot')).users).toEqual([]);

    const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
    conversationId = opened.data!.conversationId;
    expect(await b.nextPresence((p) => p.userId === alice.user.id)).toMatchObject({ status: 'online', lastSeenAt: null });
    expect(await a.nextPresence((p) => p.userId === bob.user.id)).toMatchObject({ status: 'online' });

    a.send({ type: 'presence_set', state: 'idle' });
    await b.nextPresence((p) => p.userId === alice.user.id && p.status === 'away');
    a.send({ type: 'presence_set', state: 'active' });
    await b.nextPresence((p) => p.userId === alice.user.id && p.status === 'online');
    // Carol shares no conversation with Alice: she heard none of it.
    expect(presenceIn(c.frames)).toEqual([]);
  });

  it('announces a burst of people coming online in a few presence_batch frames, not one frame per person', async () => {
    const crowd = await Promise.all(Array.from({ length: 30 }, (_, i) => h.signUp(`crowd${i}`, `Crowd ${i}`)));
    await h.trpc('conversations.createGroup', { title: 'Crowd', memberIds: crowd.map((u) => u.user.id) }, { cookie: alice.cookie });
    const a = await h.connect(alice);
    await a.next('presence_snapshot');
    const seen = a.frames.length;
    const startedAt = Date.now();
    await Promise.all(crowd.map((u) => h.connect(u)));

    const presenceFrames = () => a.frames.slice(seen).filter((f) => f.type === 'presence' || f.type === 'presence_batch');
    const onlineNow = () =>
      new Set(
        presenceFrames().flatMap((f) =>
          f.type === 'presence_batch' ? f.users.filter((u) => u.status === 'online').map((u) => u.userId) : f.status === 'online' ? [f.userId] : [],
        ),
      );
    await expect.poll(() => onlineNow().size, { timeout: 10_000 }).toBe(30);
    const elapsed = Date.now() - startedAt;
    expect(presenceFrames().some((f) => f.type === 'presence_batch')).toBe(true);
    // At most one announcement per PRESENCE_BATCH_INTERVAL_MS: the changes meanwhile share the next frame.
    expect(presenceFrames().length).toBeLessThan(30);
    expect(presenceFrames().length).toBeLessThanOrEqual(Math.floor(elapsed / PRESENCE_BATCH_INTERVAL_MS) + 1);
  });

  it('does not flicker offline on a reload within the grace period, and goes offline after it', async () => {
    const b = await h.connect(bob);
    const a = await h.connect(alice);
    await b.next('presence_snapshot');
    const seen = b.frames.length;
    // Close every Alice socket, then come back quickly, like a page reload.
    for (const socket of [a]) socket.close();
    await a.closed;
    const again = await h.connect(alice);
    await sleep(GRACE_MS + 500);
    const aliceOffline = presenceIn(b.frames.slice(seen)).filter((p) => p.userId === alice.user.id && p.status === 'offline');
    expect(aliceOffline).toEqual([]);
    const closedAt = Date.now();
    again.close();
    const offline = await b.nextPresence((p) => p.userId === alice.user.id && p.status === 'offline', { after: seen });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(Date.parse(offline.lastSeenAt!)).toBeGreaterThanOrEqual(closedAt - 1000);
  });

  it('keeps lastSeenAt across a restart that empties the in-memory presence store', async () => {
    const a = await h.connect(alice);
    a.close();
    await a.closed;
    await sleep(GRACE_MS + 300);
    await h.restart();
    const b = await h.connect(bob);
    const snapshot = await b.next('presence_snapshot');
    const entry = snapshot.users.find((u) => u.userId === alice.user.id);
    expect(entry?.status).toBe('offline');
    expect(entry?.lastSeenAt).not.toBeNull();
  });

  it('throttles typing floods, refuses non-members, and stops typing on send and disconnect', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const before = b.frames.length;
    for (let i = 0; i < 30; i++) a.send({ type: 'typing', conversationId, active: true });
    await b.next('typing_update', (f) => f.userId === alice.user.id && f.active);
    await sleep(300);
    const forwarded = b.frames.slice(before).filter((f) => f.type === 'typing_update' && f.active);
    expect(forwarded).toHaveLength(1);

    a.send({ type: 'chat_send', clientId: 'client-typing-1', conversationId, body: 'done typing' });
    await b.next('typing_update', (f) => f.userId === alice.user.id && !f.active);

    const mallory = await h.signUp('mallory', 'Mallory');
    const m = await h.connect(mallory);
    m.send({ type: 'typing', conversationId, active: true });
    expect((await m.next('error')).code).toBe('not_member');

    a.send({ type: 'typing', conversationId, active: true });
    await b.next('typing_update', (f) => f.userId === alice.user.id && f.active && b.frames.indexOf(f) > before + 2);
    const mark = b.frames.length;
    a.close();
    await b.next('typing_update', (f) => f.userId === alice.user.id && !f.active && b.frames.indexOf(f) >= mark);
  });

  it('sends read receipts to every member, clamping beyond the last seq and never moving back', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    a.send({ type: 'chat_send', clientId: 'client-read-1', conversationId, body: 'read me' });
    const lastSeq = ackedMessage(await a.next('chat_ack')).seq;

    b.send({ type: 'chat_read', conversationId, seq: lastSeq + 1000 });
    const clamped = await a.next('read_state', (f) => f.userId === bob.user.id);
    expect(clamped.lastReadSeq).toBe(lastSeq);

    const mark = a.frames.length;
    b.send({ type: 'chat_read', conversationId, seq: 0 });
    const backwards = await a.next('read_state', (f) => f.userId === bob.user.id && a.frames.indexOf(f) >= mark);
    expect(backwards.lastReadSeq).toBe(lastSeq);
    // Bob's own other tabs hear it too (badges agree across tabs).
    expect((await b.next('read_state', (f) => f.userId === bob.user.id)).lastReadSeq).toBe(lastSeq);
  });

  it('gathers many members reading at once into read_state_batch frames, every position delivered', async () => {
    const { members: readers, groupId } = await aliceAndGroupOf('reader', 8);
    const a = await h.connect(alice);
    a.send({ type: 'chat_send', clientId: 'client-read-batch', conversationId: groupId, body: 'everyone read this' });
    const seq = ackedMessage(await a.next('chat_ack')).seq;
    const sockets = await Promise.all(readers.map((u) => h.connect(u)));
    const mark = a.frames.length;
    for (const socket of sockets) socket.send({ type: 'chat_read', conversationId: groupId, seq });

    const positions = () =>
      a.frames.slice(mark).flatMap((f) => {
        if (f.type === 'read_state' && f.conversationId === groupId) return [{ userId: f.userId, lastReadSeq: f.lastReadSeq }];
        if (f.type === 'read_state_batch' && f.conversationId === groupId) return f.readers;
        return [];
      });
    await a.nextWhere(() => new Set(positions().map((p) => p.userId)).size === readers.length, "every reader's position");
    expect(new Map(positions().map((p) => [p.userId, p.lastReadSeq]))).toEqual(new Map(readers.map((u) => [u.user.id, seq])));
    // Fewer frames than readers: that is the point.
    const frames = a.frames.slice(mark).filter((f) => (f.type === 'read_state' || f.type === 'read_state_batch') && f.conversationId === groupId);
    expect(frames.length).toBeLessThan(readers.length);
    // Each reader's own sockets hear their position too (badges), from the same frames.
    const me = readers[3]!.user.id;
    const mine = await sockets[3]!.nextWhere(
      (f) => (f.type === 'read_state' && f.userId === me) || (f.type === 'read_state_batch' && f.readers.some((r) => r.userId === me)),
      'own position',
    );
    expect(mine.type === 'read_state' ? mine.lastReadSeq : mine.type === 'read_state_batch' ? mine.readers.find((r) => r.userId === me)?.lastReadSeq : undefined).toBe(seq);
  });

  it('gathers many members typing at once into typing_batch frames, every typist shown, then every stop', async () => {
    const { members: typists, groupId } = await aliceAndGroupOf('typist', 8);
    const a = await h.connect(alice);
    const sockets = await Promise.all(typists.map((u) => h.connect(u)));
    const mark = a.frames.length;
    const states = () =>
      a.frames.slice(mark).flatMap((f) => {
        if (f.type === 'typing_update' && f.conversationId === groupId) return [{ userId: f.userId, active: f.active }];
        if (f.type === 'typing_batch' && f.conversationId === groupId) return f.updates.map((u) => ({ userId: u.userId, active: u.active }));
        return [];
      });
    const latest = () => new Map(states().map((st) => [st.userId, st.active]));
    const everyone = (active: boolean) => typists.every((u) => latest().get(u.user.id) === active);

    for (const socket of sockets) socket.send({ type: 'typing', conversationId: groupId, active: true });
    await a.nextWhere(() => everyone(true), 'every typist typing');
    const startFrames = a.frames.slice(mark).filter((f) => (f.type === 'typing_update' || f.type === 'typing_batch') && f.conversationId === groupId).length;
    expect(startFrames).toBeLessThan(typists.length);
    expect(a.frames.slice(mark).some((f) => f.type === 'typing_batch' && f.conversationId === groupId && f.updates.every((u) => u.active && u.expiresInMs > 0))).toBe(true);

    for (const socket of sockets) socket.send({ type: 'typing', conversationId: groupId, active: false });
    await a.nextWhere(() => everyone(false), 'every typist stopped');
  });
});
