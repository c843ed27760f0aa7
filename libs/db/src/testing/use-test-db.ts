import { afterAll, beforeAll } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * A fresh migrated database for one test file, and a pool on it, dropped after the file:
 * the setup every repository test needs. Call at the top level of the file; read `.db` inside
 * hooks and tests. Not exported from index.ts: it imports vitest, and that index is also
 * loaded outside test runs (tools/faults).
 */
export function useTestDb(options: { poolMax?: number } = {}): { readonly db: Db } {
  let testDb: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: options.poolMax ?? 4 });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  return {
    get db() {
      if (db === undefined) throw new Error('useTestDb: the database exists from beforeAll on');
      return db;
    },
  };
}
