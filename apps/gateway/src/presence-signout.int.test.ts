import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { presenceIn } from './testing/ws-client.ts';

// A grace far longer than any wait below: an offline seen here was not the grace running out.
const GRACE_MS = 60_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { PRESENCE_GRACE_MS: String(GRACE_MS) } });
});
afterAll(() => h?.close());

describe('presence when a session ends', () => {
  it('shows someone who signed out of their last session offline at once, without the reload grace', async () => {
    const alice = await h.signUp('out_alice', 'Alice');
    const bob = await h.signUp('out_bob', 'Bob');
    await h.trpc('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
    const b = await h.connect(bob);
    const a = await h.connect(alice);
    await b.nextPresence((p) => p.userId === alice.user.id && p.status === 'online');

    expect((await h.trpc('auth.signOut', undefined, { cookie: alice.cookie })).status).toBe(200);
    expect((await a.closed).code).toBe(4001);
    const offline = await b.nextPresence((p) => p.userId === alice.user.id && p.status === 'offline', { timeoutMs: 10_000 });
    expect(offline.lastSeenAt).not.toBeNull();
  });

  it('keeps someone online who signs out on one device and is still connected on another', async () => {
    const carol = await h.signUp('out_carol', 'Carol');
    const dave = await h.signUp('out_dave', 'Dave');
    await h.trpc('conversations.openDirect', { userId: dave.user.id }, { cookie: carol.cookie });
    const second = await h.trpc('auth.signIn', { handle: 'out_carol', password: 'correct horse battery' });
    const laptop: TestUser = { user: carol.user, cookie: second.setCookie!.split(';')[0]! };
    const d = await h.connect(dave);
    const phone = await h.connect(carol);
    const desk = await h.connect(laptop);
    await d.nextPresence((p) => p.userId === carol.user.id && p.status === 'online');
    const seen = d.frames.length;

    expect((await h.trpc('auth.signOut', undefined, { cookie: laptop.cookie })).status).toBe(200);
    expect((await desk.closed).code).toBe(4001);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(presenceIn(d.frames.slice(seen)).filter((p) => p.userId === carol.user.id)).toEqual([]); // no change at all
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
  });
});
