import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@parley/db';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { benchUserId, generateCorpus } from './corpus.ts';
import { explain, measure, summarize } from './measure.ts';

// A tiny corpus through the same generator and measurement the 1M-message run uses (that run
// is by hand: README "Search"), so neither rots unnoticed.

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 2 });
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

describe('search benchmark corpus', () => {
  it('generates conversations, members and searchable messages, and measures searches', async () => {
    const client = await db.pool.connect();
    try {
      await generateCorpus(client, { conversations: 3, messagesPerConversation: 40, users: 6, membersPerConversation: 3 });
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query<{ messages: number; last: number }>(`SELECT count(*)::int AS messages, max(seq)::int AS last FROM messages`);
    expect(rows[0]).toEqual({ messages: 120, last: 40 });
    const everywhere = benchUserId(7);
    const samples = await measure(db, [{ label: 'the', input: { userId: everywhere, query: 'the' } }], 2);
    expect(samples).toHaveLength(2);
    expect(samples[0]!.hits).toBeGreaterThan(0);
    expect(summarize(samples).p50).toBeGreaterThan(0);
    expect(await explain(db, { userId: everywhere, query: 'the' })).toContain('messages m');
  });
});
