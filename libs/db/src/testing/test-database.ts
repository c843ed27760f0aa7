import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../migrate/migrate.ts';
import './provided-context.ts';

export interface TestDatabase {
  databaseUrl: string;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database on the test server (see global-setup.ts), private to the caller.
 * `drop()` removes it even if connections are still open.
 */
export async function createTestDatabase(options: { adminUrl?: string; migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? inject('parleyAdminDatabaseUrl');
  if (!adminUrl) throw new Error('No test Postgres: add libs/db/src/testing/global-setup.ts to globalSetup');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const drop = () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  if (options.migrate !== false) {
    try {
      await migrate(databaseUrl);
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { databaseUrl, drop };
}
