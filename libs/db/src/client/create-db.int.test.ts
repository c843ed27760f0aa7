import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.ts';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.ts';
import { watchProcessFaults, type ProcessFaults } from '../testing/process-faults.ts';
import { waitFor } from '../testing/wait-for.ts';
import { createDb, READ_TIMEOUT_GRACE_MS, type Db } from './create-db.ts';
import { inTransaction } from './transaction.ts';
import { isDatabaseUnavailable } from './unavailable.ts';
import { warmDb, warmPool } from './warm-pool.ts';

// Postgres goes away under a live pool: on a cluster of this file's own, never the shared one.
let cluster: PostgresCluster;
let db: Db;
let databaseName: string;
let faults: ProcessFaults;
const reported: Error[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const { databaseUrl } = await createTestDatabase({ adminUrl: cluster.url });
  databaseName = new URL(databaseUrl).pathname.slice(1);
  db = createDb({ databaseUrl, connectTimeoutMs: 1_000, onConnectionError: (error) => reported.push(error) });
  faults = watchProcessFaults();
}, 60_000);

afterAll(async () => {
  faults?.dispose();
  await db?.close();
  await cluster?.close();
});

// The point of every test here: whatever Postgres did, nothing escaped as an uncaught error.
afterEach(() => {
  const escaped = faults.describe();
  faults.clear();
  expect(escaped).toEqual([]);
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

async function activeSleeps(): Promise<number> {
  const admin = new pg.Client({ connectionString: cluster.url });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep%'",
      [databaseName],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await admin.end();
  }
}

describe('the shared pool when Postgres goes away', () => {
  it('survives backends terminated under checked-out clients, busy or idle, and heals', async () => {
    // The writer's pattern: a client checked out for a transaction. One is mid-query, one idle.
    const busyClient = await db.pool.connect();
    const idleClient = await db.pool.connect();
    const busy = failureOf(busyClient.query('SELECT pg_sleep(30)'));
    const prismaQuery = failureOf(db.prisma.$queryRaw`SELECT pg_sleep(30)`);
    const prismaTransaction = failureOf(db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(30)`));
    await waitFor('three sleeping queries', async () => (await activeSleeps()) === 3);
    const before = reported.length;

    expect(await cluster.terminateBackends(databaseName)).toBeGreaterThanOrEqual(4);

    for (const error of await Promise.all([busy, prismaQuery, prismaTransaction])) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
    // The idle checked-out client heard it too, through the listener every client now has.
    await waitFor('every terminated client to report', () => reported.length - before >= 2);
    busyClient.release(true);
    idleClient.release(true);
    expect(await db.prisma.user.count()).toBe(0);
    expect((await db.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it.each(['fast', 'immediate'] as const)('fails classifiably while stopped -m %s, and works again after a start', async (mode) => {
    const inFlight = failureOf(db.prisma.$queryRaw`SELECT pg_sleep(30)`);
    await waitFor('the sleeping query', async () => (await activeSleeps()) === 1);
    await cluster.stop({ mode });
    expect(isDatabaseUnavailable(await inFlight)).toBe(true);

    const startedAt = performance.now();
    const errors = await Promise.all([failureOf(db.prisma.user.count()), failureOf(db.pool.query('SELECT 1'))]);
    console.info(`[faults] Postgres stopped (-m ${mode}): new queries failed after ${Math.round(performance.now() - startedAt)} ms`);
    for (const error of errors) expect(isDatabaseUnavailable(error), String(error)).toBe(true);

    await cluster.start();
    expect(await db.prisma.user.count()).toBe(0);
  });

  it('answers every query within statement timeout + grace while the server is frozen, and heals after', async () => {
    const statementTimeoutMs = 500;
    const frozen = createDb({ databaseUrl: cluster.urlOf(databaseName), connectTimeoutMs: 1_000, statementTimeoutMs });
    try {
      expect(await frozen.prisma.user.count()).toBe(0); // the pool holds a live connection now
      const boundMs = statementTimeoutMs + READ_TIMEOUT_GRACE_MS + 1_000; // + connectTimeoutMs: a fresh connection
      cluster.pause();
      const startedAt = performance.now();
      let errors: unknown[];
      try {
        errors = await Promise.all([
          failureOf(frozen.prisma.user.count()),
          failureOf(frozen.prisma.$queryRaw`SELECT 1`),
          failureOf(frozen.pool.query('SELECT 1')),
          failureOf(inTransaction(frozen, (query) => query('SELECT 1'))),
        ]);
      } finally {
        cluster.resume();
      }
      const elapsedMs = performance.now() - startedAt;
      console.info(`[faults] Postgres frozen: every query failed after ${Math.round(elapsedMs)} ms (bound ${boundMs} ms)`);
      expect(elapsedMs).toBeLessThan(boundMs);
      for (const error of errors) expect(isDatabaseUnavailable(error), String(error)).toBe(true);
      expect(await frozen.prisma.user.count()).toBe(0);
      expect(await inTransaction(frozen, (query) => query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    } finally {
      await frozen.close();
    }
  });

  it('gives up waiting for a connection after connectTimeoutMs when the pool is exhausted', async () => {
    const small = createDb({ databaseUrl: cluster.urlOf(databaseName), poolMax: 1, connectTimeoutMs: 200 });
    try {
      const held = await small.pool.connect();
      const error = await failureOf(small.prisma.user.count());
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
      held.release();
      expect(await small.prisma.user.count()).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('warmPool opens the connections before anyone asks, keepOpen keeps them, and it never throws when it cannot', async () => {
    const backends = async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
        [databaseName],
      );
      return rows[0]?.n ?? 0;
    };
    const warm = createDb({ databaseUrl: cluster.urlOf(databaseName), poolMax: 3, keepOpen: true });
    const plain = createDb({ databaseUrl: cluster.urlOf(databaseName), poolMax: 2 });
    try {
      const before = await backends();
      expect(await warmDb(warm, 3)).toBe(3);
      expect({ total: warm.pool.totalCount, idle: warm.pool.idleCount }).toEqual({ total: 3, idle: 3 });
      expect(await warmPool(plain.pool, 2)).toBe(2);
      expect(await backends()).toBe(before + 5);
      // pg closes connections idle for 10 s: a pool that keeps them open still has all three.
      await new Promise((resolve) => setTimeout(resolve, 10_500));
      expect({ warm: warm.pool.totalCount, plain: plain.pool.totalCount }).toEqual({ warm: 3, plain: 0 });
      expect(await backends()).toBe(before + 3);
    } finally {
      await warm.close();
      await plain.close();
    }
    // Nothing listens on port 1: each connection is refused, and warming says it opened none.
    const unreachable = createDb({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none', poolMax: 2, connectTimeoutMs: 500 });
    try {
      expect(await warmPool(unreachable.pool, 2)).toBe(0);
      expect(await warmDb(unreachable, 2)).toBe(0);
      expect(unreachable.pool.totalCount).toBe(0);
    } finally {
      await unreachable.close();
    }
  }, 30_000);
});
