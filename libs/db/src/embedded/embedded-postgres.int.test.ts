import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

it('starts, keeps data in dataDir across a stop/start, and stops', async () => {
  const first = await startEmbeddedPostgres({ dataDir: dir });
  expect(first.databaseUrl).toMatch(/\/parley$/);
  await query(first.databaseUrl, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
  await first.stop();
  await expect(query(first.databaseUrl, 'SELECT 1')).rejects.toThrow();

  const second = await startEmbeddedPostgres({ dataDir: dir });
  try {
    const { rows } = await query(second.databaseUrl, 'SELECT v FROM kept');
    expect(rows).toEqual([{ v: 'still here' }]);
  } finally {
    await second.stop();
  }
});
