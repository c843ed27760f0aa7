import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SESSION_COOKIE, hashSessionToken, newSessionToken } from '@parley/api';
import { createDb, createGroupConversation, createSession, createUser, type Db } from '@parley/db';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { CLOSE_CODES, PROTOCOL_VERSION, type PublicUser } from '@parley/protocol';
import { startChatLoad } from './testing/chat-load.ts';
import { startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { openReadySocket, openSocket, type TestSocket } from './testing/ws-client.ts';

// A gateway process, and thousands of sockets saying hello at once, as after a restart, while
// two sockets already live keep sending. Each hello does several queries: all at once they
// would take every pooled connection (and time out waiting for one, 1011) and starve the sends.
// Admission lets a few start at a time. By hand: PARLEY_STORM_SOCKETS=10000.

const SOCKETS = Number(process.env.PARLEY_STORM_SOCKETS ?? 1_500);
/** About five devices per person, as after a restart of a node serving them. */
const USERS = Math.max(200, Math.ceil(SOCKETS / 5));
const GROUP_SIZE = 10;
/** How long the whole storm may take in CI before the test gives up (a wait bound, not a target). */
const STORM_TIMEOUT_MS = 120_000;

let database: TestDatabase;
let db: Db;
let node: NodeProcess;
const users: Array<{ user: PublicUser; cookie: string }> = [];
let liveConversationId: string;
const open: TestSocket[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.databaseUrl, poolMax: 4 });
  for (let i = 0; i < USERS; i++) {
    const user = await createUser(db, { handle: `storm_${i}`, displayName: `Storm ${i}`, passwordHash: 'not-a-real-hash' });
    const token = newSessionToken();
    await createSession(db, { userId: user.id, tokenHash: hashSessionToken(token), expiresAt: new Date(Date.now() + 86_400_000) });
    users.push({ user, cookie: `${SESSION_COOKIE}=${token}` });
  }
  // Every user in two groups of ten: several memberships and contacts per hello.
  for (let offset = 0; offset < GROUP_SIZE; offset += GROUP_SIZE / 2) {
    for (let start = offset; start < USERS; start += GROUP_SIZE) {
      const members = Array.from({ length: GROUP_SIZE }, (_, k) => users[(start + k) % USERS]!.user.id);
      const { conversationId } = await createGroupConversation(db, { creatorId: members[0]!, title: `g${start}`, memberIds: members });
      liveConversationId ??= conversationId;
    }
  }
  node = await startNodeProcess({
    DATABASE_URL: database.databaseUrl,
    LOG_LEVEL: 'warn',
    // A small pool that gives up on a connection after 1 s: a storm that took every connection
    // would show as 1011 closes and `unavailable` sends, not only as slow ones.
    DATABASE_POOL_SIZE: '4',
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    // By hand, e.g. PARLEY_STORM_ENV='{"HELLO_CONCURRENCY":"1000"}' to see it without admission.
    ...(JSON.parse(process.env.PARLEY_STORM_ENV ?? '{}') as Record<string, string>),
  });
}, 120_000);

afterAll(async () => {
  for (const socket of open) socket.close();
  await node?.stop();
  await db?.close();
  await database?.drop();
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

describe('a reconnect storm', () => {
  it(`brings ${SOCKETS} sockets saying hello at once to hello_ok, while live sockets keep getting their sends acked`, async () => {
    // A failure here has been seen only under CI's load: show what the node logged (warn and up).
    onTestFailed(() => console.error(`[storm] the node's log:\n${node.output().slice(-20_000)}`));
    const url = `ws://localhost:${node.port}/ws`;
    const origin = `http://localhost:${node.port}`;
    const [first, second] = [users[0]!, users[1]!];
    const live = [await openReadySocket(url, { cookie: first.cookie, origin }), await openReadySocket(url, { cookie: second.cookie, origin })];
    open.push(...live);
    const load = startChatLoad(live, liveConversationId, 200);

    let connectRetries = 0;
    const startedAt = Date.now();
    // Each socket as a client following PROTOCOL.md §3: a refusal (overloaded, 1013) says when
    // to come back; anything else is a failure.
    const storm = await Promise.all(
      Array.from({ length: SOCKETS }, async (_, i) => {
        let refusals = 0;
        for (;;) {
          const socket = await openSocket(url, { cookie: users[i % USERS]!.cookie, origin }).catch(() => undefined);
          if (socket === undefined) {
            // The connection itself failed (a full accept queue resets it): back off, as clients do.
            connectRetries += 1;
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_000));
            continue;
          }
          open.push(socket);
          socket.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'storm' });
          const outcome = await Promise.race([
            socket.next('hello_ok', undefined, STORM_TIMEOUT_MS).then(() => 'hello_ok'),
            socket.closed.then(({ code, reason }) => `closed ${code} ${reason}`),
          ]);
          const refusal = socket.frames.find((f) => f.type === 'error' && f.code === 'overloaded');
          if (outcome !== `closed ${CLOSE_CODES.try_again_later.code} try_again_later` || refusal?.type !== 'error') {
            const errors = socket.frames.filter((f) => f.type === 'error');
            return { outcome, at: Date.now() - startedAt, errors, refusals };
          }
          refusals += 1;
          await new Promise((resolve) => setTimeout(resolve, refusal.retryAfterMs ?? 1_000));
        }
      }),
    );
    const tookMs = Math.max(...storm.map((s) => s.at));
    const outcomes = await load.stop();

    const failed = storm.filter((s) => s.outcome !== 'hello_ok');
    const refusals = storm.reduce((sum, s) => sum + s.refusals, 0);
    const acks = outcomes.filter((o) => o.kind === 'ack').map((o) => o.answeredAt - o.sentAt).sort((a, b) => a - b);
    console.info(
      `[storm] ${SOCKETS} sockets at once: the last hello_ok after ${tookMs} ms, ${refusals} refusals (1013, came back after retryAfterMs), ` +
        `${connectRetries} connections reset before the upgrade (came back after up to 1 s), ` +
        `${failed.length} failed${failed.length > 0 ? `: ${[...new Set(failed.map((s) => s.outcome))].join(', ')}` : ''}; ` +
        `${outcomes.length} sends from live sockets meanwhile: ack p50 ${percentile(acks, 50)} ms, p99 ${percentile(acks, 99)} ms, max ${acks.at(-1)} ms`,
    );
    expect(failed.map((s) => s.outcome)).toEqual([]);
    expect(storm.flatMap((s) => s.errors)).toEqual([]);
    expect(outcomes.filter((o) => o.kind !== 'ack')).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(0);
  }, STORM_TIMEOUT_MS + 60_000);
});
