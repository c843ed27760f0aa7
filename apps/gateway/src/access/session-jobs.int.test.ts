import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createSession, listActiveSessions, revokeSession, type Db } from '@parley/db';
import { createTestDatabase, createTestUser, type TestDatabase } from '@parley/db/testing';
import { createSessionActivity } from './session-activity.ts';
import { startSessionPurge } from './session-purge.ts';

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.databaseUrl, poolMax: 4 });
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const logger = pino({ level: 'silent' });
let n = 0;
const session = (userId: string, expiresInMs: number) =>
  createSession(db, { userId, tokenHash: `jobs-${++n}`, expiresAt: new Date(Date.now() + expiresInMs) });

describe('session jobs on real Postgres', () => {
  it('three nodes purging at once delete the dead sessions once and keep the live ones', async () => {
    const user = await createTestUser(db);
    const live = await session(user.id, 60_000);
    const dead = await Promise.all([session(user.id, -5_000), session(user.id, 60_000)]);
    await revokeSession(db, dead[1]!.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const nodes = [0, 1, 2].map(() => startSessionPurge({ db, logger, retentionMs: 10, everyMs: 3_600_000 }));
    const deleted = await Promise.all(nodes.map((node) => node.run()));
    await Promise.all(nodes.map((node) => node.close()));
    expect(deleted.reduce((a, b) => a + b, 0)).toBe(2);
    const { rows } = await db.pool.query<{ id: string }>('SELECT id::text AS id FROM sessions WHERE user_id = $1', [user.id]);
    expect(rows.map((r) => r.id)).toEqual([live.id]);
  });

  it('records last use at most once per interval, in one write', async () => {
    const user = await createTestUser(db);
    const s = await session(user.id, 60_000);
    await db.pool.query(`UPDATE sessions SET last_seen_at = now() - interval '1 hour' WHERE id = $1`, [s.id]);
    const activity = createSessionActivity({ db, logger, touchEveryMs: 60_000, flushEveryMs: 3_600_000 });
    for (let i = 0; i < 100; i++) activity.seen(s.id);
    await activity.flush();
    const [listed] = await listActiveSessions(db, user.id);
    expect(Date.now() - new Date(listed!.lastSeenAt).getTime()).toBeLessThan(5_000);
    await activity.close();
  });
});
