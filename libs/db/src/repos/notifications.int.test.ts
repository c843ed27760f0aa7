import type { PublicUser } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, type TestDatabase } from '../testing/index.ts';
import { getConversation } from './conversation-summaries.ts';
import { createGroupConversation, openDirectConversation, removeMember } from './conversations.ts';
import { notificationSettingsOf, setDoNotDisturb, setNotifyLevel, setPushContent } from './notifications.ts';

// Notification settings in Postgres: a member's own level (null until chosen, read as the kind's
// default) and a user's do-not-disturb time.

let testDb: TestDatabase;
let db: Db;
let alice: PublicUser;
let bob: PublicUser;
let carol: PublicUser;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  [alice, bob, carol] = await Promise.all([createTestUser(db, 'alice'), createTestUser(db, 'bob'), createTestUser(db, 'carol')]);
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

describe('notify levels', () => {
  it('reads the default of the kind until chosen, then the choice, for that member only', async () => {
    const { conversationId: direct } = await openDirectConversation(db, alice.id, bob.id);
    const { conversationId: group } = await createGroupConversation(db, { creatorId: alice.id, title: 'g', memberIds: [bob.id, carol.id] });
    expect((await getConversation(db, direct, alice.id)).notifyLevel).toBe('all');
    expect((await getConversation(db, group, alice.id)).notifyLevel).toBe('mentions');

    await setNotifyLevel(db, { conversationId: group, userId: bob.id, level: 'none' });
    await setNotifyLevel(db, { conversationId: direct, userId: alice.id, level: 'mentions' });
    expect((await getConversation(db, group, bob.id)).notifyLevel).toBe('none');
    expect((await getConversation(db, group, alice.id)).notifyLevel).toBe('mentions');
    expect((await getConversation(db, direct, alice.id)).notifyLevel).toBe('mentions');
    expect((await getConversation(db, direct, bob.id)).notifyLevel).toBe('all');
    // Muting leaves unread counting alone: the same row, another column.
    expect((await getConversation(db, group, bob.id)).unreadCount).toBe(0);
  });

  it('refuses anyone who is not (or no longer) a member, and ids that are not ids', async () => {
    const { conversationId } = await createGroupConversation(db, { creatorId: alice.id, title: 'h', memberIds: [bob.id] });
    await expect(setNotifyLevel(db, { conversationId, userId: carol.id, level: 'none' })).rejects.toMatchObject({ code: 'not_member' });
    await removeMember(db, { conversationId, actorId: bob.id, userId: bob.id });
    await expect(setNotifyLevel(db, { conversationId, userId: bob.id, level: 'none' })).rejects.toMatchObject({ code: 'not_member' });
    await expect(setNotifyLevel(db, { conversationId: 'nope', userId: alice.id, level: 'none' })).rejects.toMatchObject({ code: 'not_member' });
  });
});

describe('do not disturb', () => {
  it('stores a time, reads it back while ahead, and as off once it has passed', async () => {
    expect(await notificationSettingsOf(db, carol.id)).toEqual({ dndUntil: null, pushContent: 'sender' });
    const until = new Date(Date.now() + 3_600_000);
    expect(await setDoNotDisturb(db, carol.id, until)).toEqual({ dndUntil: until.toISOString(), pushContent: 'sender' });
    expect(await notificationSettingsOf(db, carol.id)).toEqual({ dndUntil: until.toISOString(), pushContent: 'sender' });
    expect(await notificationSettingsOf(db, carol.id, new Date(until.getTime() + 1))).toEqual({ dndUntil: null, pushContent: 'sender' });
    expect(await setDoNotDisturb(db, carol.id, null)).toEqual({ dndUntil: null, pushContent: 'sender' });
    expect(await setPushContent(db, carol.id, 'text')).toEqual({ dndUntil: null, pushContent: 'text' });
    expect(await notificationSettingsOf(db, carol.id)).toEqual({ dndUntil: null, pushContent: 'text' });
  });
});
