import type { PublicUser } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter } from '../writer/message-writer.ts';
import { openDirectConversation } from './conversations.ts';
import { historyPage } from './event-reads.ts';
import { historyWindow } from './history-window.ts';

const TOTAL = 40;

let testDb: TestDatabase;
let db: Db;
let alice: PublicUser;
let conversationId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  alice = await createTestUser(db, 'alice');
  const bob = await createTestUser(db, 'bob');
  ({ conversationId } = await openDirectConversation(db, alice.id, bob.id));
  const writer = createMessageWriter(db);
  for (let i = 1; i <= TOTAL; i += 1) await writer.submit({ senderId: alice.id, conversationId, clientId: testClientId(), body: `m${i}` });
  await writer.close();
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

const seqs = (page: { messages: Array<{ seq: number }> }) => page.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('historyWindow', () => {
  it('opens around a seq: half before, the message itself and what follows', async () => {
    const page = await historyWindow(db, { conversationId, viewerId: alice.id, aroundSeq: 20, limit: 10 });
    expect(seqs(page)).toEqual(range(15, 24));
    expect(page).toMatchObject({ hasMore: true, hasNewer: true, throughSeq: TOTAL });
  });

  it('near either end, fills the page from the other side and says which end it reached', async () => {
    const start = await historyWindow(db, { conversationId, viewerId: alice.id, aroundSeq: 2, limit: 10 });
    expect(seqs(start)).toEqual(range(1, 10));
    expect(start).toMatchObject({ hasMore: false, hasNewer: true });
    const end = await historyWindow(db, { conversationId, viewerId: alice.id, aroundSeq: TOTAL - 1, limit: 10 });
    expect(seqs(end)).toEqual(range(TOTAL - 6, TOTAL));
    expect(end).toMatchObject({ hasMore: true, hasNewer: false });
  });

  it('pages forwards with afterSeq until it meets the newest message; backwards with beforeSeq', async () => {
    const held: number[] = seqs(await historyWindow(db, { conversationId, viewerId: alice.id, aroundSeq: 20, limit: 10 }));
    for (let after = held.at(-1)!; ; ) {
      const page = await historyWindow(db, { conversationId, viewerId: alice.id, afterSeq: after, limit: 7 });
      held.push(...seqs(page));
      expect(page.hasMore).toBe(true);
      after = held.at(-1)!;
      if (!page.hasNewer) break;
    }
    for (let before = held[0]!; ; ) {
      const page = await historyPage(db, { conversationId, viewerId: alice.id, beforeSeq: before, limit: 6 });
      held.unshift(...seqs(page));
      before = held[0]!;
      if (!page.hasMore) break;
    }
    expect(held).toEqual(range(1, TOTAL));
  });

  it('afterSeq at or past the head is an empty page with nothing newer', async () => {
    expect(await historyWindow(db, { conversationId, viewerId: alice.id, afterSeq: TOTAL, limit: 5 })).toMatchObject({ messages: [], hasMore: true, hasNewer: false });
    expect(await historyWindow(db, { conversationId, viewerId: alice.id, afterSeq: 0, limit: 5 })).toMatchObject({ hasMore: false, hasNewer: true });
  });
});
