// Vitest globalSetup shared by every project with database tests (db, api, gateway):
// TEST_DATABASE_URL set -> use that server (fail loudly if unreachable); unset -> run an
// embedded Postgres in a temp dir for the duration of the run, so `npm test` needs nothing
// installed. Tests get the admin URL through inject() and create their own databases.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres.ts';
import './provided-context.ts';

const CONNECT_TIMEOUT_MS = 5_000;

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL is set but its server is not reachable (${redact(url)}): ${(error as Error).message}. ` +
        'Start that Postgres, or unset TEST_DATABASE_URL to use an embedded one.',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env['TEST_DATABASE_URL'];
  if (external) {
    await assertReachable(external);
    project.provide('parleyAdminDatabaseUrl', external);
    return async () => undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: dir });
  project.provide('parleyAdminDatabaseUrl', server.adminUrl);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
