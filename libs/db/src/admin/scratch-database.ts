import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throwaway database on a Postgres server, for tests, migration creation and benchmarks. */
export interface ScratchDatabase {
  databaseUrl: string;
  /** Drops it, even with connections still open. */
  drop(): Promise<void>;
}

/** One statement on its own connection: CREATE/DROP DATABASE cannot run inside a transaction. */
async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // A dropped connection fails the query below; its 'error' event must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `<prefix>_<random>` on the server `adminUrl` points at (any database of it). */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
