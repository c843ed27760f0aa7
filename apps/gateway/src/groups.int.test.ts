import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { liveMessages, nextMessage } from './testing/ws-client.ts';

let h: Harness;
let owner: TestUser;
let friend: TestUser;
let late: TestUser;

beforeAll(async () => {
  h = await startHarness();
  [owner, friend, late] = await Promise.all([h.signUp('owner'), h.signUp('friend'), h.signUp('late')]);
});
afterAll(() => h?.close());

describe('group conversations', () => {
  it('creates a group, adds and removes members live, and only members receive its messages', async () => {
    const o = await h.connect(owner);
    const f = await h.connect(friend);
    const l = await h.connect(late);

    const created = await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: '  Weekend  ', memberIds: [friend.user.id] }, { cookie: owner.cookie });
    const conversationId = created.data!.conversationId;
    await f.next('conversation_changed', (e) => e.conversationId === conversationId && e.change === 'added');

    o.send({ type: 'chat_send', clientId: 'client-group-1', conversationId, body: 'before late joins' });
    await nextMessage(f, (m) => m.body === 'before late joins');

    // Only owners and admins add people: the friend is refused, the owner (creator) is not.
    const refused = await h.trpc('conversations.addMembers', { conversationId, userIds: [late.user.id] }, { cookie: friend.cookie });
    expect(refused).toMatchObject({ status: 403, error: { data: { appCode: 'forbidden' } } });
    const added = await h.trpc('conversations.addMembers', { conversationId, userIds: [late.user.id, friend.user.id] }, { cookie: owner.cookie });
    expect(added.status).toBe(200);
    await l.next('conversation_changed', (e) => e.conversationId === conversationId && e.change === 'added');
    // The friend was already a member: an update, not a second "added".
    await f.next('conversation_changed', (e) => e.conversationId === conversationId && e.change === 'updated');
    expect(f.frames.filter((e) => e.type === 'conversation_changed' && e.change === 'added')).toHaveLength(1);

    // The live socket of the new member was subscribed without reconnecting.
    o.send({ type: 'chat_send', clientId: 'client-group-2', conversationId, body: 'welcome' });
    await nextMessage(l, (m) => m.body === 'welcome');
    const summary = await h.trpc<{ title: string; members: Array<{ id: string }> }>('conversations.get', { conversationId }, { cookie: late.cookie, method: 'GET' });
    expect(summary.data?.title).toBe('Weekend');
    expect(summary.data?.members.map((m) => m.id).sort()).toEqual([owner.user.id, friend.user.id, late.user.id].sort());

    const removed = await h.trpc('conversations.removeMember', { conversationId, userId: late.user.id }, { cookie: owner.cookie });
    expect(removed.status).toBe(200);
    await l.next('conversation_changed', (e) => e.conversationId === conversationId && e.change === 'removed');
    o.send({ type: 'chat_send', clientId: 'client-group-3', conversationId, body: 'after removal' });
    await nextMessage(f, (m) => m.body === 'after removal');
    expect(liveMessages(l).some((m) => m.body === 'after removal')).toBe(false);
    // And the removed member can no longer send or read.
    l.send({ type: 'chat_send', clientId: 'client-group-4', conversationId, body: 'still here?' });
    expect((await l.next('error', (e) => e.ref === 'client-group-4')).code).toBe('not_member');
    expect((await h.trpc('messages.history', { conversationId }, { cookie: late.cookie, method: 'GET' })).status).toBe(403);
  });

  it('refuses bad group input with clear errors', async () => {
    const noTitle = await h.trpc('conversations.createGroup', { title: '   ', memberIds: [] }, { cookie: owner.cookie });
    expect(noTitle.status).toBe(400);
    expect(noTitle.error?.data.fieldErrors?.title).toEqual(['A group needs a title']);
    const ghost = await h.trpc('conversations.createGroup', { title: 'Ghosts', memberIds: ['00000000-0000-4000-8000-000000000000'] }, { cookie: owner.cookie });
    expect(ghost.status).toBe(404);
    const direct = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: friend.user.id }, { cookie: owner.cookie });
    const addToDirect = await h.trpc('conversations.addMembers', { conversationId: direct.data!.conversationId, userIds: [late.user.id] }, { cookie: owner.cookie });
    expect(addToDirect.status).toBe(400);
    const self = await h.trpc('conversations.openDirect', { userId: owner.user.id }, { cookie: owner.cookie });
    expect(self.status).toBe(400);
  });
});
