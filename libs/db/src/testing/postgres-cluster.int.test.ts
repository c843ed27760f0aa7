import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';
import { waitFor } from './wait-for.ts';

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

  it('leaves no server and no folder behind when the test process is killed, even with the server frozen', async () => {
    const helper = fileURLToPath(new URL('./postgres-cluster.ts', import.meta.url));
    const script = [
      `import { startPostgresCluster } from ${JSON.stringify(helper)};`,
      'const cluster = await startPostgresCluster();',
      'cluster.pause();',
      'process.stdout.write(JSON.stringify({ dataDir: cluster.dataDir, url: cluster.url }) + "\\n");',
      'process.kill(process.pid, "SIGKILL");', // no exit handler, no afterAll: only the watchdog is left
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const { dataDir, url } = JSON.parse(output) as { dataDir: string; url: string };

    const refused = () => connect(url).then((c) => c.end().then(() => false), () => true);
    await waitFor('the frozen server to be stopped and its folder deleted', async () => !existsSync(dataDir) && (await refused()), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
  }, 30_000);
});
