import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { accessChangesAfter, accessLogHead } from './access-changes.ts';
import { changePasswordHash, deleteAccount, DELETED_USER_NAME, passwordHashOf, updateDisplayName } from './accounts.ts';
import { addMembers, createGroupConversation, openDirectConversation, setMemberRole } from './conversations.ts';
import { eventsAfter, historyPage } from './event-reads.ts';
import { createSession, findActiveSession, listActiveSessions, purgeSessions, revokeOtherSessions, revokeSession, revokeUserSession } from './sessions.ts';
import { findUserByHandle, searchUsers } from './users.ts';
import { createMessageWriter } from '../writer/message-writer.ts';

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

const HOUR_MS = 60 * 60 * 1000;
let tokens = 0;
const session = (userId: string, expiresInMs = HOUR_MS, extra: { userAgent?: string; ip?: string } = {}) =>
  createSession(db, { userId, tokenHash: `hash-${++tokens}-${userId}`, expiresAt: new Date(Date.now() + expiresInMs), ...extra });

describe('sessions of one user', () => {
  it('lists only the live sessions of that user, with agent and address', async () => {
    const [me, other] = [await createTestUser(db), await createTestUser(db)];
    const a = await session(me.id, HOUR_MS, { userAgent: 'Firefox', ip: '10.0.0.1' });
    const b = await session(me.id);
    const revoked = await session(me.id);
    await revokeSession(db, revoked.id);
    await session(me.id, -1000); // expired
    await session(other.id);
    const list = await listActiveSessions(db, me.id);
    expect(list.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(list.find((s) => s.id === a.id)).toMatchObject({ userAgent: 'Firefox', ip: '10.0.0.1' });
    expect(await listActiveSessions(db, 'not-a-uuid')).toEqual([]);
  });

  it('revokes exactly one of your own sessions, and never someone else’s', async () => {
    const [me, other] = [await createTestUser(db), await createTestUser(db)];
    const [mine, kept, theirs] = [await session(me.id), await session(me.id), await session(other.id)];
    expect(await revokeUserSession(db, me.id, theirs.id)).toBe(false);
    expect(await revokeUserSession(db, me.id, 'nope')).toBe(false);
    expect(await revokeUserSession(db, me.id, mine.id)).toBe(true);
    expect(await revokeUserSession(db, me.id, mine.id)).toBe(false); // already revoked
    expect((await listActiveSessions(db, me.id)).map((s) => s.id)).toEqual([kept.id]);
    expect((await listActiveSessions(db, other.id)).map((s) => s.id)).toEqual([theirs.id]);
  });

  it('signs out everywhere else, keeping this session, and logs each revocation for the gateways', async () => {
    const me = await createTestUser(db);
    const [current, ...others] = [await session(me.id), await session(me.id), await session(me.id)];
    const head = await accessLogHead(db);
    const revoked = await revokeOtherSessions(db, me.id, current!.id);
    expect(revoked.sort()).toEqual(others.map((s) => s.id).sort());
    expect((await listActiveSessions(db, me.id)).map((s) => s.id)).toEqual([current!.id]);
    const logged = (await accessChangesAfter(db, head, 100)).flatMap((c) => (c.kind === 'session' ? [c.sessionId] : []));
    expect(logged.sort()).toEqual(revoked.sort());
  });

  it('changes the password hash only against the hash that was checked, revoking the other sessions', async () => {
    const me = await createTestUser(db);
    const [current, other] = [await session(me.id), await session(me.id)];
    const before = (await passwordHashOf(db, me.id))!;
    await expect(changePasswordHash(db, { userId: me.id, expectedHash: 'stale', newHash: 'new', keepSessionId: current.id })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await listActiveSessions(db, me.id)).length).toBe(2);
    expect(await changePasswordHash(db, { userId: me.id, expectedHash: before, newHash: 'new-hash', keepSessionId: current.id })).toEqual([other.id]);
    expect(await passwordHashOf(db, me.id)).toBe('new-hash');
    expect((await listActiveSessions(db, me.id)).map((s) => s.id)).toEqual([current.id]);
  });
});

describe('purging sessions', () => {
  it('deletes sessions revoked or expired longer ago than the bound, keeps live and recent ones, without logging them again', async () => {
    const me = await createTestUser(db);
    const live = await session(me.id);
    const oldExpired = await session(me.id, -3 * HOUR_MS);
    const newExpired = await session(me.id, -1000);
    const oldRevoked = await session(me.id);
    const newRevoked = await session(me.id);
    await revokeSession(db, oldRevoked.id);
    await revokeSession(db, newRevoked.id);
    await db.pool.query(`UPDATE sessions SET revoked_at = now() - interval '3 hours' WHERE id = $1`, [oldRevoked.id]);
    const head = await accessLogHead(db);
    // Two nodes at once, in small batches: together they delete each row once.
    const counts = await Promise.all([purgeSessions(db, 2 * HOUR_MS, 1), purgeSessions(db, 2 * HOUR_MS, 1)]);
    expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(2);
    const { rows } = await db.pool.query<{ id: string }>('SELECT id::text AS id FROM sessions WHERE user_id = $1', [me.id]);
    expect(rows.map((r) => r.id).sort()).toEqual([live.id, newExpired.id, newRevoked.id].sort());
    expect(rows.map((r) => r.id)).not.toContain(oldExpired.id);
    // Dead sessions have no sockets to close: their deletion is not an access change.
    expect(await accessChangesAfter(db, head, 100)).toEqual([]);
    expect(await purgeSessions(db, 2 * HOUR_MS)).toBe(0);
  });
});

describe('profile', () => {
  it('changes the display name', async () => {
    const me = await createTestUser(db, 'named', 'Old Name');
    expect(await updateDisplayName(db, me.id, 'New Name')).toEqual({ ...me, displayName: 'New Name' });
    await expect(updateDisplayName(db, '00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('deleting an account', () => {
  it('leaves a tombstone, keeps history and DMs, leaves groups with gapless logs, passes ownership on', async () => {
    const writer = createMessageWriter(db);
    try {
      const [gone, alice, bob] = [await createTestUser(db, 'gone'), await createTestUser(db, 'alice'), await createTestUser(db, 'bob')];
      const owned = await createGroupConversation(db, { creatorId: gone.id, title: 'owned', memberIds: [alice.id, bob.id] });
      await setMemberRole(db, { conversationId: owned.conversationId, actorId: gone.id, userId: bob.id, role: 'admin' });
      const joined = await createGroupConversation(db, { creatorId: alice.id, title: 'joined', memberIds: [] });
      await addMembers(db, { conversationId: joined.conversationId, actorId: alice.id, userIds: [gone.id] });
      const alone = await createGroupConversation(db, { creatorId: gone.id, title: 'alone', memberIds: [] });
      const dm = await openDirectConversation(db, gone.id, alice.id);
      for (const conversationId of [owned.conversationId, joined.conversationId, dm.conversationId]) {
        const result = await writer.submit({ senderId: gone.id, conversationId, clientId: testClientId(), body: `words in ${conversationId}` });
        expect(result.event.kind).toBe('message_created');
      }
      const [s1, s2] = [await session(gone.id), await session(gone.id)];
      const head = await accessLogHead(db);
      const before = await eventsAfter(db, { conversationId: owned.conversationId, afterSeq: 0, limit: 100, viewerId: alice.id });

      const deletion = await deleteAccount(db, gone.id);

      expect(deletion.user).toMatchObject({ id: gone.id, displayName: DELETED_USER_NAME });
      expect(deletion.user.handle).toMatch(/^deleted_[0-9a-f]{24}$/);
      expect(deletion.sessionIds.sort()).toEqual([s1.id, s2.id].sort());
      expect(deletion.contactIds.sort()).toEqual([alice.id, bob.id].sort());
      expect(deletion.groupsDeleted).toEqual([alone.conversationId]);
      expect(await db.prisma.conversation.findUnique({ where: { id: alone.conversationId } })).toBeNull();
      // Sessions gone, their sockets told through the access log; sign-in and search find nobody.
      expect(await db.prisma.session.count({ where: { userId: gone.id } })).toBe(0);
      expect(await findActiveSession(db, `hash-${tokens}-${gone.id}`)).toBeNull();
      const logged = (await accessChangesAfter(db, head, 100)).filter((c) => c.userId === gone.id);
      expect(logged.filter((c) => c.kind === 'session').length).toBe(2);
      expect(logged.filter((c) => c.kind === 'membership').length).toBe(3);
      expect(await findUserByHandle(db, gone.handle)).toBeNull();
      expect(await findUserByHandle(db, deletion.user.handle)).toBeNull();
      expect(await searchUsers(db, { query: 'Deleted', limit: 10 })).toEqual([]);
      await expect(deleteAccount(db, gone.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(openDirectConversation(db, bob.id, gone.id)).rejects.toMatchObject({ code: 'not_found' });

      // The owned group: bob (the admin) became owner, then the user left; the log has no hole.
      const after = await eventsAfter(db, { conversationId: owned.conversationId, afterSeq: before.throughSeq, limit: 100, viewerId: alice.id });
      expect(after.events.map((e) => e.seq)).toEqual([before.throughSeq + 1, before.throughSeq + 2]);
      const systems = after.events.map((e) => (e.kind === 'message_created' ? e.message.system : undefined));
      expect(systems).toEqual([{ action: 'role_changed', user: { id: bob.id, displayName: bob.displayName }, role: 'owner' }, { action: 'member_left' }]);
      const all = await eventsAfter(db, { conversationId: owned.conversationId, afterSeq: 0, limit: 100, viewerId: alice.id });
      expect(all.events.map((e) => e.seq)).toEqual(all.events.map((_, i) => i + 1));
      const owners = await db.prisma.member.findMany({ where: { conversationId: owned.conversationId }, orderBy: { userId: 'asc' } });
      expect(owners.map((m) => [m.userId, m.role]).sort()).toEqual([[alice.id, 'member'], [bob.id, 'owner']].sort());

      // History pages still load, bodies kept, sender the tombstone; the DM is still there.
      for (const conversationId of [owned.conversationId, dm.conversationId]) {
        const page = await historyPage(db, { conversationId, limit: 50, viewerId: alice.id });
        expect(page.messages.some((m) => m.senderId === gone.id && m.body === `words in ${conversationId}`)).toBe(true);
      }
      expect(await db.prisma.member.count({ where: { conversationId: dm.conversationId } })).toBe(2);
      // Nobody will read a new message in it: refused for good (not retryable), nothing stored.
      await expect(writer.submit({ senderId: alice.id, conversationId: dm.conversationId, clientId: testClientId(), body: 'are you there?' })).rejects.toMatchObject({
        code: 'invalid_input',
        message: 'This person deleted their account: nobody will read it',
      });
      expect(await db.prisma.message.count({ where: { conversationId: dm.conversationId, body: 'are you there?' } })).toBe(0);
      const joinedLog = await eventsAfter(db, { conversationId: joined.conversationId, afterSeq: 0, limit: 100, viewerId: alice.id });
      expect(joinedLog.events.at(-1)).toMatchObject({ kind: 'message_created', message: { senderId: gone.id, system: { action: 'member_left' } } });
    } finally {
      await writer.close();
    }
  });
});
