import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, type TestDatabase } from '../testing/index.ts';
import { renewActiveViews, setActiveView } from './active-views.ts';

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 2 });
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

describe('active views', () => {
  it("a node's renewal keeps the views of the sockets it holds and drops its others, never another node's", async () => {
    const [held, leftOver, elsewhere] = [randomUUID(), randomUUID(), randomUUID()];
    const view = (connectionId: string, nodeId: string) => setActiveView(db, { connectionId, userId: randomUUID(), nodeId, conversationId: randomUUID() });
    await view(held, 'n1');
    await view(leftOver, 'n1'); // its socket closed and the clearing DELETE failed
    await view(elsewhere, 'n2');
    await db.pool.query("UPDATE active_views SET seen_at = now() - interval '30 seconds'");

    await renewActiveViews(db, 'n1', [held], 10 * 60_000);
    const { rows } = await db.pool.query<{ id: string; fresh: boolean }>(
      "SELECT connection_id::text AS id, seen_at > now() - interval '5 seconds' AS fresh FROM active_views ORDER BY node_id",
    );
    expect(rows).toEqual([
      { id: held, fresh: true },
      { id: elsewhere, fresh: false },
    ]);
    await renewActiveViews(db, 'n1', [], 10 * 60_000); // no socket left: nothing of n1 stays
    expect((await db.pool.query('SELECT 1 FROM active_views WHERE node_id = $1', ['n1'])).rowCount).toBe(0);
  });
});
