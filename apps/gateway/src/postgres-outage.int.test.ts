import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

// A gateway node on a Postgres cluster of this file's own, which the tests stop, restart and
// cut connections of while clients send. The node must stay up, answer in-flight and new
// requests with the retryable `unavailable` quickly, say so on /readyz, and heal by itself.

let cluster: PostgresCluster;
let h: Harness;
let databaseName: string;
let faults: ProcessFaults;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let conversationId: string;
/** The node's log lines (warn and up): background work must log its failures and carry on. */
const logLines: string[] = [];
const logged = (text: string) => logLines.some((line) => line.includes(text));

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const { databaseUrl } = await createTestDatabase({ adminUrl: cluster.url });
  databaseName = new URL(databaseUrl).pathname.slice(1);
  h = await startHarness({
    databaseUrl,
    logger: pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) }),
    // Background work (presence announcements, call sweeps and seat renewals) runs often enough
    // to hit a short outage.
    env: { PRESENCE_GRACE_MS: '100', PRESENCE_TTL_MS: '1500', CALL_RING_TIMEOUT_MS: '1000' },
  });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  carol = await h.signUp('carol');
  const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
  conversationId = opened.data!.conversationId;
  await h.trpc('conversations.openDirect', { userId: carol.user.id }, { cookie: alice.cookie });
  faults = watchProcessFaults();
}, 60_000);

afterAll(async () => {
  faults?.dispose();
  await h?.close();
  await cluster?.close();
});

afterEach(async () => {
  if (!cluster.running) await cluster.start(); // a failed test must not fail the next ones too
  const escaped = faults.describe();
  faults.clear();
  // The node must never have let an error escape, whatever the test did to Postgres.
  expect(escaped).toEqual([]);
  await h.closeSockets();
});

/** A connection of the test's own, for holding locks and watching the server. */
async function admin(database = databaseName): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: cluster.urlOf(database) });
  client.on('error', () => undefined); // it is terminated along with the gateway's
  await client.connect();
  return client;
}

/** Holds an exclusive lock on messages: the writer's transactions and syncs then wait, in flight. */
async function blockMessages(): Promise<pg.Client> {
  const blocker = await admin();
  await blocker.query('BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
  return blocker;
}

async function waitForBlockedQueries(count: number): Promise<void> {
  const watcher = await admin('postgres');
  try {
    await waitFor(`${count} gateway queries waiting on the lock`, async () => {
      const { rows } = await watcher.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        [databaseName],
      );
      return (rows[0]?.n ?? 0) >= count;
    });
  } finally {
    await watcher.end();
  }
}

async function readiness(): Promise<{ status: number; body: { checks?: { database?: string } }; elapsedMs: number }> {
  const startedAt = performance.now();
  // A load balancer gives up on a probe after a few seconds; so does this one.
  const response = await fetch(`${h.origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as never, elapsedMs: performance.now() - startedAt };
}

/** Frames that answered a chat_sync with an error. */
const syncErrors = (socket: TestSocket) => socket.frames.filter((f) => f.type === 'error' && f.ref === 'chat_sync');

/** What a client following PROTOCOL.md does with retryable failures: resend them, same clientId, same socket's user. */
async function resendFailed(bySocket: ReadonlyArray<[TestSocket, readonly SendOutcome[]]>): Promise<SendOutcome[]> {
  const retried: SendOutcome[] = [];
  for (const [socket, outcomes] of bySocket) {
    for (const failed of outcomes.filter((o) => o.kind === 'error')) retried.push(await sendMessage(socket, conversationId, failed.clientId));
  }
  return retried;
}

/** Every clientId stored exactly once, at gapless seqs from 1. */
async function expectCompleteLog(socket: TestSocket, clientIds: readonly string[]): Promise<void> {
  const messages = await syncAll(socket, conversationId);
  expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
  const stored = messages.map((m) => m.clientId);
  expect(new Set(stored).size).toBe(stored.length);
  for (const clientId of clientIds) expect(stored).toContain(clientId);
}

describe('a gateway node whose Postgres goes away', () => {
  it('stays up through pg_ctl stop -m fast and a restart: unavailable quickly, /readyz 503, then everything works', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c = await h.connect(carol);
    await a.nextPresence((p) => p.userId === carol.user.id && p.status === 'online');
    const load = startChatLoad([a, b], conversationId);
    await waitFor('a few acks before the outage', () => load.acks() >= 4);

    // Sends in flight while Postgres stops: their transactions wait on a lock when it goes.
    const blocker = await blockMessages();
    const inFlight = sendMessage(a, conversationId);
    await waitForBlockedQueries(1);
    const stoppedAt = Date.now();
    await cluster.stop({ mode: 'fast' });
    await blocker.end().catch(() => undefined);

    const first = await inFlight;
    expect(first).toMatchObject({ kind: 'error', code: 'unavailable', retryable: true });
    // New sends during the outage fail fast too.
    await waitFor('sends made during the outage to be refused', () => load.errors().filter((o) => o.sentAt > stoppedAt).length >= 4);
    const duringOutage = load.errors().filter((o) => o.sentAt > stoppedAt);
    const slowestMs = Math.max(...duringOutage.map((o) => o.answeredAt - o.sentAt));
    console.info(`[faults] pg stop -m fast: in-flight send answered after ${first.answeredAt - stoppedAt} ms; sends during the outage answered within ${slowestMs} ms`);

    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.body.checks?.database).toBe('down');
    console.info(`[faults] /readyz during the outage: ${down.status} in ${Math.round(down.elapsedMs)} ms`);

    b.send({ type: 'chat_sync', conversationId, afterSeq: 0 });
    await waitFor('the sync to be refused', () => syncErrors(b).length === 1);
    expect(syncErrors(b)[0]).toMatchObject({ code: 'unavailable', retryable: true });
    const list = await h.trpc('conversations.list', undefined, { cookie: bob.cookie, method: 'GET' });
    expect(list.status).toBe(503);
    expect(list.error?.data.appCode).toBe('unavailable');
    // No session to look up: the procedure itself hits the outage.
    const signIn = await h.trpc('auth.signIn', { handle: alice.user.handle, password: 'correct horse battery' });
    expect(signIn.status).toBe(503);
    expect(signIn.error?.data.appCode).toBe('unavailable');

    // Background work hits the outage, logs it and carries on: Carol's offline announcement
    // (lastSeen write) and the call sweeps and seat renewals.
    c.close();
    await waitFor('the presence announcement to fail and be logged', () => logged('presence announce failed'), { timeoutMs: 5_000 });
    await waitFor('a call sweep to fail and be logged', () => logged('call sweep failed'), { timeoutMs: 5_000 });

    const restartedAt = Date.now();
    await cluster.start();
    await waitFor('/readyz to recover', async () => (await readiness()).status === 200, { timeoutMs: 10_000 });
    await waitFor('a send after the restart to be acked', () => load.outcomes.some((o) => o.kind === 'ack' && o.sentAt > restartedAt), { timeoutMs: 10_000 });
    console.info(`[faults] pg restart: first ack ${Math.min(...load.outcomes.filter((o) => o.kind === 'ack' && o.sentAt > restartedAt).map((o) => o.answeredAt)) - restartedAt} ms after the start`);
    const outcomes = [...(await load.stop()), first];

    // Every answer was an ack or the retryable unavailable: nothing internal, nothing lost.
    expect(outcomes.filter((o) => o.kind === 'error' && !(o.code === 'unavailable' && o.retryable))).toEqual([]);
    const retried = await resendFailed([
      [a, [...load.outcomesOf(a), first]],
      [b, load.outcomesOf(b)],
    ]);
    expect(retried.filter((o) => o.kind !== 'ack')).toEqual([]);
    await expectCompleteLog(b, outcomes.map((o) => o.clientId));
    expect([a.ws.readyState, b.ws.readyState]).toEqual([a.ws.OPEN, b.ws.OPEN]);

    // The same background work succeeds again: Carol's return is announced, and an unanswered
    // call is ended as missed by the call timers.
    const seen = a.frames.length;
    await h.connect(carol);
    await a.nextPresence((p) => p.userId === carol.user.id && p.status === 'online', { after: seen });
    const callId = randomUUID();
    a.send({ type: 'call_invite', callId, conversationId, media: 'audio' });
    await a.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended' && f.call.endReason === 'missed', 10_000);
  }, 60_000);

  it('stays up when every backend is terminated during a burst, and heals', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const blocker = await blockMessages();
    // A burst from both sides and syncs: the writer's transaction and Prisma queries in flight.
    const burst = (socket: TestSocket) => Promise.all(Array.from({ length: 10 }, () => sendMessage(socket, conversationId)));
    const sends = [burst(a), burst(b)] as const;
    b.send({ type: 'chat_sync', conversationId, afterSeq: 0 });
    await waitForBlockedQueries(2);

    const terminated = await cluster.terminateBackends(databaseName);
    expect(terminated).toBeGreaterThanOrEqual(3); // the blocker, the writer, the sync (and idle ones)
    await blocker.end().catch(() => undefined);
    const [fromA, fromB] = await Promise.all(sends);
    const outcomes = [...fromA, ...fromB];

    const refused = outcomes.filter((o) => o.kind === 'error');
    expect(refused.length).toBeGreaterThan(0); // the batch that was in flight
    expect(refused.filter((o) => !(o.code === 'unavailable' && o.retryable))).toEqual([]);
    await waitFor('the sync to be answered', () => b.frames.some((f) => f.type === 'chat_sync_result' || (f.type === 'error' && f.ref === 'chat_sync')));
    for (const error of syncErrors(b)) expect(error).toMatchObject({ code: 'unavailable', retryable: true });

    // Healed without a restart: retries land once, and the log is whole.
    expect((await readiness()).status).toBe(200);
    const retried = await resendFailed([
      [a, fromA],
      [b, fromB],
    ]);
    expect(retried.filter((o) => o.kind !== 'ack')).toEqual([]);
    await expectCompleteLog(a, outcomes.map((o) => o.clientId));
  }, 60_000);

  it('answers /readyz with 503 in bounded time while Postgres hangs (frozen, connections open), and 200 after', async () => {
    expect((await readiness()).status).toBe(200); // the pool now holds an idle connection
    cluster.pause();
    try {
      const hung = await readiness();
      expect(hung.status).toBe(503);
      expect(hung.body.checks?.database).toBe('down');
      console.info(`[faults] /readyz while Postgres is frozen: ${hung.status} in ${Math.round(hung.elapsedMs)} ms`);
    } finally {
      cluster.resume();
    }
    await waitFor('/readyz to recover', async () => (await readiness()).status === 200, { timeoutMs: 10_000 });
  }, 30_000);
});
