import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { DEAD_AFTER_MS } from './ws/liveness.ts';

// A peer whose network vanishes sends no close and no FIN: its socket just goes quiet. The
// server must notice on its own (its pings go unanswered) and end it, so others see that person
// go offline after the presence grace instead of minutes later.

const PRESENCE_GRACE_MS = 500;
/** PROTOCOL.md §3 "Liveness": silent for DEAD_AFTER_MS, noticed on the next 1 s tick. */
const NOTICED_WITHIN_MS = DEAD_AFTER_MS + 1_000;

let h: Harness;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  h = await startHarness({ env: { PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS) } });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  await h.trpc('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
}, 60_000);
afterAll(() => h?.close());

describe('a peer whose network vanished', () => {
  it(`is ended by the server within ${NOTICED_WITHIN_MS} ms and shown offline to others after the grace`, async () => {
    const watcher = await h.connect(alice);
    const vanishing = await h.connect(bob);
    await watcher.nextPresence((p) => p.userId === bob.user.id && p.status === 'online');

    // The network goes away: nothing it receives is read any more, so nothing is answered.
    (vanishing.ws as unknown as { _socket: Socket })._socket.pause();
    const vanishedAt = Date.now();
    const offline = await watcher.nextPresence((p) => p.userId === bob.user.id && p.status === 'offline', { timeoutMs: NOTICED_WITHIN_MS + PRESENCE_GRACE_MS + 3_000 });
    const elapsedMs = Date.now() - vanishedAt;
    console.info(`[liveness] a silently dead peer shown offline ${elapsedMs} ms after its network vanished (grace ${PRESENCE_GRACE_MS} ms)`);
    expect(offline.lastSeenAt).not.toBeNull();
    // The live one was pinged all along and answered: still there.
    expect(watcher.ws.readyState).toBe(watcher.ws.OPEN);
    expect(h.server.deps.liveness.stats().terminated).toBe(1);
  }, 60_000);
});
