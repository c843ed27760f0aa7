import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.ts';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgres-cluster.ts';
import { watchProcessFaults, type ProcessFaults } from '../testing/process-faults.ts';
import { waitFor } from '../testing/wait-for.ts';
import { MIGRATE_APPLICATION_NAME, migrate } from './migrate.ts';

// The migration session loses its connection mid-run: on a cluster of this file's own.
let cluster: PostgresCluster;
let faults: ProcessFaults;
beforeAll(async () => {
  cluster = await startPostgresCluster();
  faults = watchProcessFaults();
}, 60_000);
afterAll(async () => {
  faults?.dispose();
  await cluster?.close();
});

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('migrate when its connection is terminated', () => {
  it('rejects (no uncaught error) when its backend dies while it holds the lock, and a rerun succeeds', async () => {
    const { databaseUrl } = await createTestDatabase({ adminUrl: cluster.url });
    await migrate(databaseUrl);
    // Another session locks the history table, so the run blocks inside its locked section.
    const blocker = await connect(databaseUrl);
    await blocker.query('BEGIN; LOCK TABLE "_prisma_migrations" IN ACCESS EXCLUSIVE MODE');
    const run = migrate(databaseUrl).then(
      () => new Error('expected the run to fail'),
      (error: unknown) => error,
    );
    const admin = await connect(cluster.url);
    const waiting = async () =>
      (
        await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
          [MIGRATE_APPLICATION_NAME],
        )
      ).rows[0]?.n === 1;
    await waitFor('the migration session to block on the table lock', waiting);

    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [MIGRATE_APPLICATION_NAME]);
    expect(String(await run)).toMatch(/terminating connection|Connection terminated/);
    await blocker.query('ROLLBACK');

    expect(await migrate(databaseUrl)).toEqual({ applied: [] });
    await Promise.all([blocker.end(), admin.end()]);
    expect(faults.describe()).toEqual([]);
  });
});
