import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { inTransaction } from '../client/transaction.ts';
import { createTestDatabase, createTestUser, type TestDatabase } from '../testing/index.ts';
import { accessChangesAfter, accessLogHead, activeSessionsAmong, membershipsAmong, pruneAccessChanges } from './access-changes.ts';
import { addMembers, createGroupConversation, removeMember } from './conversations.ts';
import { createSession, revokeSession } from './sessions.ts';

let testDb: TestDatabase;
let db: Db;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

const DAY_MS = 24 * 60 * 60 * 1000;

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: testDb.databaseUrl });
  await c.connect();
  return c;
}

describe('the access log', () => {
  it('records every membership and session change in its own transaction, and nothing for one rolled back', async () => {
    const [owner, bob, carol] = [await createTestUser(db), await createTestUser(db), await createTestUser(db)];
    const start = await accessLogHead(db);
    const { conversationId } = await createGroupConversation(db, { creatorId: owner.id, title: 'g', memberIds: [bob.id] });
    await addMembers(db, { conversationId, actorId: owner.id, userIds: [carol.id] });
    await removeMember(db, { conversationId, actorId: owner.id, userId: bob.id });
    const session = await createSession(db, { userId: carol.id, tokenHash: `h-${carol.id}`, expiresAt: new Date(Date.now() + DAY_MS) });
    await revokeSession(db, session.id);
    await revokeSession(db, session.id); // already revoked: no second row
    const deleted = await createSession(db, { userId: bob.id, tokenHash: `h-${bob.id}`, expiresAt: new Date(Date.now() + DAY_MS) });
    await db.prisma.session.delete({ where: { id: deleted.id } }); // by hand, not through a repo
    await inTransaction(db, (query) => query('DELETE FROM members WHERE conversation_id = $1 AND user_id = $2', [conversationId, carol.id])).catch(
      () => undefined,
    );
    await expect(
      inTransaction(db, async (query) => {
        await query('DELETE FROM members WHERE conversation_id = $1 AND user_id = $2', [conversationId, owner.id]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');

    const changes = await accessChangesAfter(db, start, 100);
    expect(changes.map(({ id: _id, ...rest }) => rest)).toEqual([
      ...[owner.id, bob.id].map((userId) => expect.objectContaining({ kind: 'membership', userId, conversationId })),
      { kind: 'membership', userId: carol.id, conversationId },
      { kind: 'membership', userId: bob.id, conversationId },
      { kind: 'session', userId: carol.id, sessionId: session.id },
      { kind: 'session', userId: bob.id, sessionId: deleted.id },
      { kind: 'membership', userId: carol.id, conversationId },
    ]);
    expect(changes.map((c) => c.id)).toEqual([...changes.map((c) => c.id)].sort((a, b) => a - b));
    expect(await accessLogHead(db)).toBe(changes.at(-1)?.id);

    // What is true now, for the pairs and sessions the log named.
    const pairs = [owner, bob, carol].map((u) => ({ userId: u.id, conversationId }));
    expect(await membershipsAmong(db, pairs)).toEqual(new Set([`${conversationId} ${owner.id}`]));
    const live = await createSession(db, { userId: owner.id, tokenHash: `h-${owner.id}`, expiresAt: new Date(Date.now() + DAY_MS) });
    const expired = await createSession(db, { userId: owner.id, tokenHash: `h2-${owner.id}`, expiresAt: new Date(Date.now() - 1000) });
    expect(await activeSessionsAmong(db, [session.id, deleted.id, live.id, expired.id])).toEqual(new Set([live.id]));
  });

  it('commits rows in id order, so a reader past id n never misses a smaller one', async () => {
    const [owner, bob, carol] = [await createTestUser(db), await createTestUser(db), await createTestUser(db)];
    const { conversationId } = await createGroupConversation(db, { creatorId: owner.id, title: 'g', memberIds: [bob.id] });
    const [slow, fast] = [await client(), await client()];
    try {
      // The slow transaction changes membership first and commits last.
      await slow.query('BEGIN');
      await slow.query('DELETE FROM members WHERE conversation_id = $1 AND user_id = $2', [conversationId, bob.id]);
      await fast.query('BEGIN');
      await fast.query('INSERT INTO members (conversation_id, user_id) VALUES ($1, $2)', [conversationId, carol.id]);
      await fast.query('COMMIT');
      const head = await accessLogHead(db);
      expect((await accessChangesAfter(db, head - 1, 10)).map((c) => c.userId)).toEqual([carol.id]);
      await slow.query('COMMIT');
      // A cursor at `head` sees the slow one: it was numbered when it committed.
      expect((await accessChangesAfter(db, head, 10)).map((c) => c.userId)).toEqual([bob.id]);
    } finally {
      await Promise.all([slow.end(), fast.end()]);
    }
  });

  it('prunes rows older than the retention only', async () => {
    const user = await createTestUser(db);
    const session = await createSession(db, { userId: user.id, tokenHash: `p-${user.id}`, expiresAt: new Date(Date.now() + DAY_MS) });
    await revokeSession(db, session.id);
    const head = await accessLogHead(db);
    await db.pool.query("UPDATE access_changes SET created_at = now() - interval '2 days' WHERE id < $1", [head]);
    expect(await pruneAccessChanges(db, DAY_MS)).toBeGreaterThan(0);
    expect((await accessChangesAfter(db, 0, 1000)).map((c) => c.id)).toEqual([head]);
  });
});
