import { inject } from 'vitest';
import { createScratchDatabase } from '../admin/scratch-database.ts';
import { migrate } from '../migrate/migrate.ts';
import './provided-context.ts';

export interface TestDatabase {
  databaseUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database on the test server (see global-setup.ts), private to the caller.
 * `drop()` removes it even if connections are still open.
 */
export async function createTestDatabase(options: { adminUrl?: string; migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? inject('parleyAdminDatabaseUrl');
  if (!adminUrl) throw new Error('No test Postgres: add libs/db/src/testing/global-setup.ts to globalSetup');
  const { databaseUrl, drop } = await createScratchDatabase(adminUrl, 'parley_test');
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
