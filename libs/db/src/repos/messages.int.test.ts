import type { PublicUser } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter } from '../writer/message-writer.ts';
import { openDirectConversation } from './conversations.ts';
import { markRead } from './messages.ts';

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

describe('markRead', () => {
  it('clamps to lastSeq, never moves backwards, and refuses non-members', async () => {
    expect(await markRead(db, { conversationId, userId: bob.id, seq: 4 })).toBe(4);
    expect(await markRead(db, { conversationId, userId: bob.id, seq: 2 })).toBe(4);
    expect(await markRead(db, { conversationId, userId: bob.id, seq: 10_000 })).toBe(TOTAL);
    const outsider = await createTestUser(db, 'out');
    await expect(markRead(db, { conversationId, userId: outsider.id, seq: 1 })).rejects.toMatchObject({ code: 'not_member' });
  });
});
