import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyLevel } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';

// Notification settings on a real gateway and Postgres (PROTOCOL.md §2): a member's own level per
// conversation, and do-not-disturb per user, stored, defaulted, refused clearly, and carried live
// to the user's other devices (and to nobody else).

let h: Harness;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let group: string;
let direct: string;

interface Summary {
  id: string;
  notifyLevel: NotifyLevel;
}

const summary = async (who: TestUser, conversationId: string) =>
  (await h.trpc<Summary>('conversations.get', { conversationId }, { cookie: who.cookie, method: 'GET' })).data!;

beforeAll(async () => {
  h = await startHarness();
  [alice, bob, carol] = await Promise.all([h.signUp('alice'), h.signUp('bob'), h.signUp('carol')]);
  group = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Team', memberIds: [bob.user.id] }, { cookie: alice.cookie })).data!.conversationId;
  direct = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie })).data!.conversationId;
});
afterAll(() => h?.close());

describe('conversations.setNotifications', () => {
  it('defaults to all in a direct conversation and mentions in a group', async () => {
    expect((await summary(alice, direct)).notifyLevel).toBe('all');
    expect((await summary(alice, group)).notifyLevel).toBe('mentions');
    const list = (await h.trpc<Summary[]>('conversations.list', undefined, { cookie: bob.cookie, method: 'GET' })).data!;
    expect(Object.fromEntries(list.map((c) => [c.id, c.notifyLevel]))).toEqual({ [direct]: 'all', [group]: 'mentions' });
  });

  it('stores the member’s own level, for them only, and tells only their other devices', async () => {
    const phone = await h.connect(alice);
    const laptop = await h.connect(alice);
    const other = await h.connect(bob);

    const set = await h.trpc('conversations.setNotifications', { conversationId: group, level: 'none' }, { cookie: alice.cookie });
    expect(set.status).toBe(200);
    expect(set.data).toEqual({ ok: true });
    for (const socket of [phone, laptop]) {
      await socket.next('conversation_changed', (f) => f.conversationId === group && f.change === 'updated');
    }
    expect((await summary(alice, group)).notifyLevel).toBe('none');
    expect((await summary(bob, group)).notifyLevel).toBe('mentions');

    // Bob hears nothing of Alice's choice: the frame that reaches him next is his own.
    await h.trpc('conversations.setNotifications', { conversationId: direct, level: 'mentions' }, { cookie: bob.cookie });
    const first = await other.next('conversation_changed');
    expect(first).toMatchObject({ conversationId: direct, change: 'updated' });
    expect((await summary(bob, direct)).notifyLevel).toBe('mentions');
    expect((await summary(alice, direct)).notifyLevel).toBe('all');

    // Back to all: explicit now, no longer the group default.
    await h.trpc('conversations.setNotifications', { conversationId: group, level: 'all' }, { cookie: alice.cookie });
    expect((await summary(alice, group)).notifyLevel).toBe('all');
    for (const s of [phone, laptop, other]) s.close();
  });

  it('refuses outsiders, unknown conversations and unknown levels clearly', async () => {
    const outsider = await h.trpc('conversations.setNotifications', { conversationId: group, level: 'none' }, { cookie: carol.cookie });
    expect(outsider.status).toBe(403);
    expect(outsider.error?.data.appCode).toBe('not_member');
    const unknown = await h.trpc('conversations.setNotifications', { conversationId: '00000000-0000-4000-8000-000000000000', level: 'none' }, { cookie: alice.cookie });
    expect(unknown.error?.data.appCode).toBe('not_member');
    const bad = await h.trpc('conversations.setNotifications', { conversationId: group, level: 'loud' }, { cookie: alice.cookie });
    expect(bad.status).toBe(400);
    expect(bad.error?.data.fieldErrors).toHaveProperty('level');
    const signedOut = await h.trpc('conversations.setNotifications', { conversationId: group, level: 'none' });
    expect(signedOut.status).toBe(401);
  });
});

describe('users.setDoNotDisturb', () => {
  it('stores do-not-disturb, reads it back, and tells every device of the user at once', async () => {
    const phone = await h.connect(carol);
    const laptop = await h.connect(carol);
    const until = new Date(Date.now() + 3_600_000).toISOString();

    const set = await h.trpc<{ dndUntil: string | null }>('users.setDoNotDisturb', { until }, { cookie: carol.cookie });
    expect(set.status).toBe(200);
    expect(set.data).toEqual({ dndUntil: until, pushContent: 'sender' });
    for (const socket of [phone, laptop]) await socket.next('settings_changed', (f) => f.dndUntil === until && f.pushContent === 'sender');
    const read = await h.trpc<{ dndUntil: string | null }>('users.notificationSettings', undefined, { cookie: carol.cookie, method: 'GET' });
    expect(read.data).toEqual({ dndUntil: until, pushContent: 'sender' });
    // Other users' settings are their own.
    const alices = await h.trpc<{ dndUntil: string | null }>('users.notificationSettings', undefined, { cookie: alice.cookie, method: 'GET' });
    expect(alices.data).toEqual({ dndUntil: null, pushContent: 'sender' });

    const off = await h.trpc<{ dndUntil: string | null }>('users.setDoNotDisturb', { until: null }, { cookie: carol.cookie });
    expect(off.data).toEqual({ dndUntil: null, pushContent: 'sender' });
    await phone.next('settings_changed', (f) => f.dndUntil === null);
    for (const s of [phone, laptop]) s.close();
  });

  it('refuses a time in the past, beyond 7 days, or not a time, with a field error', async () => {
    for (const until of [new Date(Date.now() - 60_000).toISOString(), new Date(Date.now() + 8 * 24 * 3_600_000).toISOString(), 'tomorrow']) {
      const res = await h.trpc('users.setDoNotDisturb', { until }, { cookie: carol.cookie });
      expect(res.status, until).toBe(400);
      expect(res.error?.data.fieldErrors?.['until']?.length, until).toBeGreaterThan(0);
    }
  });
});
