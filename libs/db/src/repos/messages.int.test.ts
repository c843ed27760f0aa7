import type { PublicUser } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter } from '../writer/message-writer.ts';
import { openDirectConversation } from './conversations.ts';
import { historyPage, markRead, messagesAfter } from './messages.ts';

const TOTAL = 23;

let testDb: TestDatabase;
let db: Db;
let alice: PublicUser;
let bob: PublicUser;
let conversationId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  alice = await createTestUser(db, 'alice');
  bob = await createTestUser(db, 'bob');
  ({ conversationId } = await openDirectConversation(db, alice.id, bob.id));
  const writer = createMessageWriter(db);
  await Promise.all(
    Array.from({ length: TOTAL }, (_, i) =>
      writer.submit({ senderId: alice.id, conversationId, clientId: testClientId(), body: `m${i}` }),
    ),
  );
  await writer.close();
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

describe('history', () => {
  it('pages backwards from the newest with no gaps or duplicates', async () => {
    const seen: number[] = [];
    let beforeSeq: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await historyPage(db, { conversationId, limit: 10, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
      const seqs = page.messages.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      seen.unshift(...seqs);
      pages += 1;
      if (!page.hasMore) break;
      beforeSeq = seqs[0];
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    const newest = await historyPage(db, { conversationId, limit: 1 });
    expect(newest.messages[0]).toMatchObject({ seq: TOTAL, senderId: alice.id, kind: 'text', conversationId });
    expect(newest.messages[0]?.createdAt).toMatch(/Z$/);
  });

  it('catches up after a seq in ascending pages', async () => {
    const seen: number[] = [];
    let afterSeq = 5;
    for (;;) {
      const page = await messagesAfter(db, { conversationId, afterSeq, limit: 7 });
      seen.push(...page.messages.map((m) => m.seq));
      if (!page.hasMore) break;
      afterSeq = seen[seen.length - 1] as number;
    }
    expect(seen).toEqual(Array.from({ length: TOTAL - 5 }, (_, i) => i + 6));
    expect(await messagesAfter(db, { conversationId, afterSeq: TOTAL, limit: 7 })).toEqual({ messages: [], hasMore: false });
  });
});

describe('markRead', () => {
  it('clamps to lastSeq, never moves backwards, and refuses non-members', async () => {
    expect(await markRead(db, { conversationId, userId: bob.id, seq: 4 })).toBe(4);
    expect(await markRead(db, { conversationId, userId: bob.id, seq: 2 })).toBe(4);
    expect(await markRead(db, { conversationId, userId: bob.id, seq: 10_000 })).toBe(TOTAL);
    const outsider = await createTestUser(db, 'out');
    await expect(markRead(db, { conversationId, userId: outsider.id, seq: 1 })).rejects.toMatchObject({ code: 'not_member' });
  });
});
