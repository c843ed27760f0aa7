import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { choosePostgresDir } from './postgres-dir.ts';

const runsAsRoot = process.getuid?.() === 0;
if (!runsAsRoot && process.env.CI === 'true') throw new Error('CI runs as root: the first-run-as-root test must run there');

const base = mkdtempSync(join(tmpdir(), 'parley-rootrun-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

// Only root meets it: Postgres runs as the postgres user then, who cannot enter a 700 home.
it.skipIf(!runsAsRoot)('as root, from a checkout in a private home, the default start works and keeps its data', async () => {
  const home = join(base, 'root-home');
  mkdirSync(join(home, 'parley'), { recursive: true });
  chmodSync(home, 0o700);
  const dataDir = join(home, 'parley', '.data');
  const fallbackRoot = join(base, 'var-lib-parley');

  const cluster = choosePostgresDir({ dataDir, explicit: false, fallbackRoot });
  expect(cluster.relocated).toBe(true);
  // The binaries too: node_modules in /root is out of reach, so they run from a copy (forced
  // here, as this checkout's node_modules is reachable).
  const runtime = { runtimeRoot: fallbackRoot, forceRuntimeCopy: true };
  const first = await startEmbeddedPostgres({ dataDir: cluster.dir, ...runtime });
  const copies = readdirSync(fallbackRoot).filter((name) => name.startsWith('runtime-'));
  expect(copies).toHaveLength(1);
  expect(existsSync(join(fallbackRoot, copies[0]!, '.complete'))).toBe(true);
  await query(first.databaseUrl, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$written as root$$)');
  await first.stop();

  const again = choosePostgresDir({ dataDir, explicit: false, fallbackRoot });
  expect(again.dir).toBe(cluster.dir);
  const second = await startEmbeddedPostgres({ dataDir: again.dir, ...runtime });
  try {
    expect((await query(second.databaseUrl, 'SELECT v FROM kept')).rows).toEqual([{ v: 'written as root' }]);
  } finally {
    await second.stop();
  }

  // An explicit DATA_DIR there still fails with the clear message, before initdb.
  const explicit = choosePostgresDir({ dataDir: join(home, 'explicit'), explicit: true, fallbackRoot });
  await expect(startEmbeddedPostgres({ dataDir: explicit.dir })).rejects.toThrow(/cannot enter .*root-home/);
});
