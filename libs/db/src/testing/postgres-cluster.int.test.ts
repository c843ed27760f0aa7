import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';

const clusters: PostgresCluster[] = [];
afterAll(() => Promise.all(clusters.map((c) => c.close())));

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('startPostgresCluster (a fault-test helper)', () => {
  it('runs a cluster of its own that can be stopped, started, have backends terminated, and cleaned up', async () => {
    const cluster = await startPostgresCluster();
    clusters.push(cluster);
    const client = await connect(cluster.url);
    await client.query('CREATE DATABASE target');
    const victim = await connect(cluster.urlOf('target'));
    const died = new Promise<Error>((resolve) => victim.once('error', resolve));

    expect(await cluster.terminateBackends('target')).toBe(1);
    expect((await died).message).toMatch(/terminat/);
    await client.end();

    for (const mode of ['fast', 'immediate'] as const) {
      await cluster.stop({ mode });
      expect(cluster.running).toBe(false);
      await expect(connect(cluster.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await cluster.start();
      const again = await connect(cluster.urlOf('target'));
      expect((await again.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await again.end();
    }

    const frozen = await connect(cluster.url);
    cluster.pause();
    let answered = false;
    const reply = frozen.query('SELECT 1 AS one').then((r) => ((answered = true), r.rows));
    await new Promise((resolve) => setTimeout(resolve, 200)); // a frozen server answers nothing
    expect(answered).toBe(false);
    cluster.resume();
    expect(await reply).toEqual([{ one: 1 }]);
    await frozen.end();

    cluster.pause(); // close() must cope with a frozen server
    await cluster.close();
    await cluster.close(); // idempotent
    expect(existsSync(cluster.dataDir)).toBe(false);
    await expect(connect(cluster.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails loudly when the binaries are missing', async () => {
    await expect(startPostgresCluster({ binDir: '/nonexistent/bin' })).rejects.toThrow(/Postgres binary missing: \/nonexistent\/bin/);
  });
});
