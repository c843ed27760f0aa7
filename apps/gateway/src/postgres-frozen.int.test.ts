import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { READ_TIMEOUT_GRACE_MS } from '@parley/db';
import {
  createTestDatabase,
  startPostgresCluster,
  waitFor,
  watchProcessFaults,
  type PostgresCluster,
  type ProcessFaults,
} from '@parley/db/testing';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { sendMessage, startChatLoad, syncAll, type SendOutcome } from './testing/chat-load.ts';
import type { TestSocket } from './testing/ws-client.ts';

// A gateway node on a Postgres cluster of this file's own, which the test freezes (SIGSTOP: its
// connections stay open and nothing answers, like a hung host or a network black hole). Every
// frame that needs the database must still be answered, with the retryable `unavailable`,
// within the documented bound, and everything must work again once the server thaws.

const STATEMENT_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 1_000;
/** PROTOCOL.md §8: connection wait + statement timeout + the client-side grace. */
const BOUND_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + READ_TIMEOUT_GRACE_MS;
/** How long the server stays frozen: several bounds, so new sends meet a database known to hang. */
const FROZEN_MS = 2 * BOUND_MS;

let cluster: PostgresCluster;
let h: Harness;
let faults: ProcessFaults;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const { databaseUrl } = await createTestDatabase({ adminUrl: cluster.url });
  h = await startHarness({
    databaseUrl,
    env: { DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
  });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
  conversationId = opened.data!.conversationId;
  faults = watchProcessFaults();
}, 60_000);

afterAll(async () => {
  faults?.dispose();
  cluster?.resume();
  await h?.close();
  await cluster?.close();
});

afterEach(() => {
  const escaped = faults.describe();
  faults.clear();
  expect(escaped).toEqual([]);
});

/** Sends a frame and resolves with the error answering `ref`, and how long it took. */
async function refusedWithin(socket: TestSocket, frame: Parameters<TestSocket['send']>[0], ref: string) {
  const from = socket.frames.length;
  const sentAt = Date.now();
  socket.send(frame);
  const error = await socket.nextWhere((f) => socket.frames.indexOf(f) >= from && f.type === 'error' && f.ref === ref, `error for ${ref}`, BOUND_MS + 2_000);
  return { error, elapsedMs: Date.now() - sentAt };
}

/** Resends one send until it is acked, waiting as each retryable answer asks (at least 100 ms). */
async function resendUntilAcked(socket: TestSocket, clientId: string): Promise<SendOutcome> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await sendMessage(socket, conversationId, clientId);
    if (outcome.kind === 'ack' || !outcome.retryable || attempt === 20) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
  }
}

describe('a gateway node whose Postgres freezes', () => {
  it('answers sends in flight and new ones with unavailable within the bound, and heals after resume', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const load = startChatLoad([a, b], conversationId);
    await waitFor('a few acks before the freeze', () => load.acks() >= 4);
    // Idle pooled connections to the server about to freeze: work taking one waits for the
    // whole read timeout (a fresh connection would fail sooner, at the connect timeout).
    const { pool } = h.server.deps.db;
    for (const client of await Promise.all(Array.from({ length: 8 }, () => pool.connect()))) client.release();

    cluster.pause();
    const frozenAt = Date.now();
    const inFlight = sendMessage(a, conversationId, undefined, BOUND_MS + 2_000);
    // Reads on both paths: the snapshot transaction (chat_sync) and a Prisma query (chat_read).
    const sync = refusedWithin(b, { type: 'chat_sync', conversationId, afterSeq: 0 }, 'chat_sync');
    const read = refusedWithin(b, { type: 'chat_read', conversationId, seq: 1 }, 'chat_read');
    await new Promise((resolve) => setTimeout(resolve, FROZEN_MS));
    const resumedAt = Date.now();
    cluster.resume();

    const first = await inFlight;
    expect(first).toMatchObject({ kind: 'error', code: 'unavailable', retryable: true });
    for (const refused of await Promise.all([sync, read])) expect(refused.error).toMatchObject({ code: 'unavailable', retryable: true });

    await waitFor('a send after the resume to be acked', () => load.outcomes.some((o) => o.kind === 'ack' && o.sentAt > resumedAt), {
      timeoutMs: 10_000,
    });
    const outcomes = await load.stop();
    // Sent while the server was frozen: every one answered within the bound, and those answered
    // before it thawed only with the retryable error (a send made just before the resume may
    // be acked after it).
    const frozen = [...outcomes.filter((o) => o.sentAt >= frozenAt && o.sentAt < resumedAt), first];
    expect(frozen.length).toBeGreaterThan(FROZEN_MS / 200);
    const answeredFrozen = frozen.filter((o) => o.answeredAt < resumedAt);
    expect(answeredFrozen.length).toBeGreaterThan(FROZEN_MS / 400);
    expect(answeredFrozen.filter((o) => !(o.kind === 'error' && o.code === 'unavailable' && o.retryable))).toEqual([]);
    const slowestMs = Math.max(...frozen.map((o) => o.answeredAt - o.sentAt));
    console.info(
      `[faults] Postgres frozen ${FROZEN_MS} ms: ${answeredFrozen.length} of ${frozen.length} sends made meanwhile answered unavailable before the resume, ` +
        `slowest answer after ${slowestMs} ms (bound ${BOUND_MS} ms); chat_sync ${(await sync).elapsedMs} ms, chat_read ${(await read).elapsedMs} ms`,
    );
    expect(slowestMs).toBeLessThanOrEqual(BOUND_MS);
    expect(outcomes.filter((o) => o.kind === 'error' && !(o.code === 'unavailable' && o.retryable))).toEqual([]);

    // A client resends what failed, with the same clientId, paced and retried as PROTOCOL.md §8
    // says: each lands once (an ambiguous commit comes back as a duplicate), and the log is
    // whole and gapless.
    for (const [socket, answered] of [
      [a, [...load.outcomesOf(a), first]],
      [b, load.outcomesOf(b)],
    ] as const) {
      for (const o of answered.filter((x) => x.kind === 'error')) expect(await resendUntilAcked(socket, o.clientId)).toMatchObject({ kind: 'ack' });
    }
    const messages = await syncAll(a, conversationId);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    const stored = messages.map((m) => m.clientId);
    expect(new Set(stored).size).toBe(stored.length);
    for (const o of [...outcomes, first]) expect(stored).toContain(o.clientId);
    expect([a.ws.readyState, b.ws.readyState]).toEqual([a.ws.OPEN, b.ws.OPEN]);
  }, 60_000);
});
