import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter } from '../writer/message-writer.ts';
import {
  addMembers,
  contactIdsOf,
  conversationIdsOfUser,
  createGroupConversation,
  isMember,
  memberIds,
  openDirectConversation,
  recheckSocket,
  removeMember,
} from './conversations.ts';
import { getConversation, listConversations } from './conversation-summaries.ts';
import { createSession, findActiveSession, findSocketSession, revokeSession } from './sessions.ts';
import { createUser, findUserByHandle, getUsers, lastSeenOf, recordLastSeen, searchUsers } from './users.ts';

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

describe('users', () => {
  it('creates users, refuses a taken handle, finds and searches them', async () => {
    const ada = await createUser(db, { handle: 'ada', displayName: 'Ada Lovelace', passwordHash: 'h1' });
    await expect(createUser(db, { handle: 'ada', displayName: 'Other', passwordHash: 'h2' })).rejects.toMatchObject({
      code: 'handle_taken',
    });
    expect(await findUserByHandle(db, 'ada')).toEqual({ ...ada, passwordHash: 'h1' });
    expect(await findUserByHandle(db, 'nobody')).toBeNull();
    const grace = await createUser(db, { handle: 'grace', displayName: 'Grace Hopper', passwordHash: 'h' });
    expect((await getUsers(db, [ada.id, grace.id, 'not-a-uuid'])).map((u) => u.handle).sort()).toEqual(['ada', 'grace']);

    expect((await searchUsers(db, { query: 'AD', limit: 10 })).map((u) => u.handle)).toEqual(['ada']);
    expect((await searchUsers(db, { query: 'hopp', limit: 10 })).map((u) => u.handle)).toEqual(['grace']);
    // "a" is a handle prefix of ada and a display-name substring of both; exclusion applies.
    expect((await searchUsers(db, { query: 'a', excludeUserId: ada.id, limit: 10 })).map((u) => u.handle)).toEqual([
      'grace',
    ]);
    // One statement for many users; a time never moves back; ids that are not users are ignored.
    const later = new Date('2026-06-01T10:00:00.000Z');
    const earlier = new Date('2026-05-01T10:00:00.000Z');
    await recordLastSeen(db, [
      { userId: ada.id, at: later },
      { userId: grace.id, at: earlier },
      { userId: 'not-a-uuid', at: later },
    ]);
    await recordLastSeen(db, [{ userId: ada.id, at: earlier }]);
    expect(Object.fromEntries(await lastSeenOf(db, [ada.id, grace.id]))).toEqual({
      [ada.id]: later.toISOString(),
      [grace.id]: earlier.toISOString(),
    });
  });
});

describe('sessions', () => {
  it('finds active sessions only: not revoked, not expired', async () => {
    const user = await createTestUser(db, 'sess');
    const live = await createSession(db, { userId: user.id, tokenHash: 'live-hash', expiresAt: new Date(Date.now() + 60_000) });
    await createSession(db, { userId: user.id, tokenHash: 'old-hash', expiresAt: new Date(Date.now() - 1_000) });

    expect(await findActiveSession(db, 'live-hash')).toEqual({
      session: { id: live.id, userId: user.id, expiresAt: live.expiresAt },
      user,
    });
    expect(await findActiveSession(db, 'old-hash')).toBeNull();
    expect(await findActiveSession(db, 'unknown')).toBeNull();
    // A socket's lookup: the same session, with the user's conversations (none yet, then two).
    expect(await findSocketSession(db, 'live-hash')).toEqual({ session: { id: live.id, userId: user.id, expiresAt: live.expiresAt }, user, conversationIds: [] });
    const other = await createTestUser(db, 'sess');
    const direct = await openDirectConversation(db, user.id, other.id);
    const group = await createGroupConversation(db, { creatorId: other.id, title: 'both', memberIds: [user.id] });
    expect((await findSocketSession(db, 'live-hash'))?.conversationIds.toSorted()).toEqual([direct.conversationId, group.conversationId].toSorted());
    expect(await findSocketSession(db, 'old-hash')).toBeNull();
    await revokeSession(db, live.id);
    expect(await findActiveSession(db, 'live-hash')).toBeNull();
    expect(await findSocketSession(db, 'live-hash')).toBeNull();
  });
});

describe('conversations', () => {
  it('opens a direct conversation once per pair, validating the other user', async () => {
    const a = await createTestUser(db, 'dir');
    const b = await createTestUser(db, 'dir');
    const first = await openDirectConversation(db, a.id, b.id);
    expect(first.created).toBe(true);
    expect(await openDirectConversation(db, b.id, a.id)).toEqual({ conversationId: first.conversationId, created: false });
    const racing = await Promise.all([openDirectConversation(db, a.id, b.id), openDirectConversation(db, b.id, a.id)]);
    expect(racing.map((r) => r.conversationId)).toEqual([first.conversationId, first.conversationId]);
    await expect(openDirectConversation(db, a.id, a.id)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(openDirectConversation(db, a.id, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await memberIds(db, first.conversationId)).sort()).toEqual([a.id, b.id].sort());
    await expect(addMembers(db, { conversationId: first.conversationId, actorId: a.id, userIds: [a.id] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('manages group membership and hides conversations from non-members', async () => {
    const [owner, friend, late, stranger] = await Promise.all(['grp', 'grp', 'grp', 'grp'].map((p) => createTestUser(db, p)));
    if (!owner || !friend || !late || !stranger) throw new Error('fixture');
    const { conversationId } = await createGroupConversation(db, { creatorId: owner.id, title: 'Team', memberIds: [friend.id] });
    expect(await isMember(db, conversationId, friend.id)).toBe(true);
    await expect(addMembers(db, { conversationId, actorId: stranger.id, userIds: [stranger.id] })).rejects.toMatchObject({
      code: 'not_member',
    });
    // A member may not add people; the owner (the creator) may.
    await expect(addMembers(db, { conversationId, actorId: friend.id, userIds: [late.id] })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await addMembers(db, { conversationId, actorId: owner.id, userIds: [late.id, owner.id] })).toMatchObject({ added: [late.id] });
    expect(await conversationIdsOfUser(db, late.id)).toEqual([conversationId]);

    await removeMember(db, { conversationId, actorId: owner.id, userId: late.id });
    await removeMember(db, { conversationId, actorId: friend.id, userId: friend.id });
    expect(await memberIds(db, conversationId)).toEqual([owner.id]);

    await expect(getConversation(db, conversationId, stranger.id)).rejects.toMatchObject({ code: 'not_member' });
    await expect(getConversation(db, '00000000-0000-4000-8000-000000000000', owner.id)).rejects.toMatchObject({
      code: 'not_member',
    });
    const summary = await getConversation(db, conversationId, owner.id);
    // The log holds the changes: created, late added, late removed, friend left.
    expect(summary).toMatchObject({ id: conversationId, kind: 'group', title: 'Team', lastSeq: 4, unreadCount: 0 });
    expect(summary.lastMessage).toMatchObject({ kind: 'system', system: { action: 'member_left' }, senderId: friend.id });
  });

  it('finds contacts: everyone sharing a conversation, each once, never yourself or strangers', async () => {
    const [me, a, b, stranger] = await Promise.all(['ct', 'ct', 'ct', 'ct'].map((p) => createTestUser(db, p)));
    if (!me || !a || !b || !stranger) throw new Error('fixture');
    await openDirectConversation(db, me.id, a.id);
    await createGroupConversation(db, { creatorId: me.id, title: 'Both', memberIds: [a.id, b.id] });
    expect((await contactIdsOf(db, me.id)).sort()).toEqual([a.id, b.id].sort());
    expect(await contactIdsOf(db, stranger.id)).toEqual([]);

    // What a new socket re-reads once attached, in one round trip.
    await recordLastSeen(db, [{ userId: a.id, at: new Date() }]);
    const [lastSeenOfA] = (await lastSeenOf(db, [a.id])).values();
    const session = await createSession(db, { userId: me.id, tokenHash: `ct-${me.id}`, expiresAt: new Date(Date.now() + 60_000) });
    const recheck = await recheckSocket(db, me.id, session.id);
    expect(recheck.conversationIds.sort()).toEqual((await conversationIdsOfUser(db, me.id)).sort());
    expect(recheck.sessionActive).toBe(true);
    expect(recheck.contacts.sort((x, y) => x.userId.localeCompare(y.userId))).toEqual(
      [
        { userId: a.id, lastSeenAt: lastSeenOfA },
        { userId: b.id, lastSeenAt: null },
      ].sort((x, y) => x.userId.localeCompare(y.userId)),
    );
    await revokeSession(db, session.id);
    expect((await recheckSocket(db, me.id, session.id)).sessionActive).toBe(false);
    expect(await recheckSocket(db, stranger.id, session.id)).toMatchObject({ conversationIds: [], contacts: [] });
  });

  it('lists conversations by latest activity with preview and unread counts', async () => {
    const me = await createTestUser(db, 'list', 'Me Myself');
    const bob = await createTestUser(db, 'list', 'Bob Builder');
    const carol = await createTestUser(db, 'list', 'Carol');
    const older = await openDirectConversation(db, me.id, bob.id);
    const group = await createGroupConversation(db, { creatorId: carol.id, title: 'Later', memberIds: [me.id, bob.id] });
    const quiet = await openDirectConversation(db, me.id, carol.id);

    const writer = createMessageWriter(db);
    try {
      await writer.submit({ senderId: bob.id, conversationId: group.conversationId, clientId: testClientId(), body: 'g1' });
      await writer.submit({ senderId: bob.id, conversationId: older.conversationId, clientId: testClientId(), body: 'b1' });
      await writer.submit({ senderId: bob.id, conversationId: older.conversationId, clientId: testClientId(), body: 'b2' });
      await writer.submit({ senderId: me.id, conversationId: older.conversationId, clientId: testClientId(), body: 'mine' });
      await writer.submit({ senderId: carol.id, conversationId: group.conversationId, clientId: testClientId(), body: 'g2' });
    } finally {
      await writer.close();
    }

    const list = await listConversations(db, me.id);
    expect(list.map((c) => c.id)).toEqual([group.conversationId, older.conversationId, quiet.conversationId]);
    const [g, o, q] = list;
    // The group's seq 1 is its "created" system message, which nobody counts as unread.
    expect(g).toMatchObject({ lastSeq: 3, lastReadSeq: 0, unreadCount: 2, title: 'Later' });
    expect(g?.lastMessage).toMatchObject({ body: 'g2', seq: 3, senderId: carol.id, senderDisplayName: 'Carol' });
    expect(g?.members.map((m) => m.id).sort()).toEqual([carol.id, me.id, bob.id].sort());
    // My own message marks everything up to it read.
    expect(o).toMatchObject({ kind: 'direct', title: null, lastSeq: 3, lastReadSeq: 3, unreadCount: 0 });
    expect(o?.lastMessage).toMatchObject({ body: 'mine', senderDisplayName: 'Me Myself' });
    expect(q).toMatchObject({ lastSeq: 0, unreadCount: 0, lastMessage: null });
    expect(q?.lastActivityAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const bobView = await getConversation(db, older.conversationId, bob.id);
    expect(bobView).toMatchObject({ lastReadSeq: 2, unreadCount: 1 });
    // Everyone's read position, for "Seen" after a reload.
    expect(bobView.readStates).toEqual({ [me.id]: 3, [bob.id]: 2 });
    expect(g?.readStates).toEqual({ [me.id]: 0, [bob.id]: 2, [carol.id]: 3 });
  });

  it('pages the list by recent activity: every conversation once, in order, ties broken by id', async () => {
    const me = await createTestUser(db, 'pager');
    const others = await Promise.all(Array.from({ length: 7 }, () => createTestUser(db, 'paged')));
    const ids: string[] = [];
    for (const other of others) ids.push((await openDirectConversation(db, me.id, other.id)).conversationId);
    // Activity set by hand: three share one moment (a page boundary falls inside the tie).
    const at = ['2026-06-01T10:00:05.000Z', '2026-06-01T10:00:04.000Z', '2026-06-01T10:00:03.000Z', '2026-06-01T10:00:03.000Z', '2026-06-01T10:00:03.000Z', '2026-06-01T10:00:02.000Z', '2026-06-01T10:00:01.000Z'];
    await db.pool.query('UPDATE conversations SET last_message_at = v.at FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE conversations.id = v.id', [ids, at]);

    const everything = (await listConversations(db, me.id)).map((c) => c.id);
    expect(everything).toHaveLength(7);
    const walked: string[] = [];
    let before: { lastActivityAt: string; id: string } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listConversations(db, me.id, { limit: 2, before });
      walked.push(...page.map((c) => c.id));
      const last = page.at(-1);
      if (page.length < 2 || last === undefined) break;
      before = { lastActivityAt: last.lastActivityAt, id: last.id };
    }
    expect(walked).toEqual(everything);
    expect((await listConversations(db, me.id, { limit: 3 })).map((c) => c.lastActivityAt)).toEqual(at.slice(0, 3));
    // Someone else's list, paged: nothing of mine.
    expect(await listConversations(db, (await createTestUser(db, 'stranger')).id, { limit: 5 })).toEqual([]);
  });
});
