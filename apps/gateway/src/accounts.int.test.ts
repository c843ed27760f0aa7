import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, type PublicUser } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { act, newClientId, syncLog } from './testing/ws-client.ts';

// The Sessions page and the account settings over real HTTP, sockets and Postgres: listing and
// signing out sessions, changing the password, the display name, deleting the account.

const PASSWORD = 'correct horse battery';
const SIGN_IN_PER_HANDLE = 4;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SIGN_IN_PER_HANDLE: String(SIGN_IN_PER_HANDLE) } });
});
afterAll(() => h?.close());

let n = 0;
const unique = (name: string) => `${name}_${++n}_${process.pid % 1000}`;

async function signIn(user: PublicUser, userAgent: string, password = PASSWORD): Promise<TestUser> {
  const res = await h.trpc(`auth.signIn`, { handle: user.handle, password }, { headers: { 'user-agent': userAgent } });
  if (!res.setCookie) throw new Error(`sign-in failed: ${JSON.stringify(res.error)}`);
  return { user, cookie: res.setCookie.split(';')[0]! };
}

interface SessionRow {
  id: string;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
  lastSeenAt: string;
}
const sessionsOf = async (device: TestUser) => (await h.trpc<SessionRow[]>('account.sessions', undefined, { cookie: device.cookie, method: 'GET' })).data!;

describe('sessions', () => {
  it('lists only your live sessions, this one marked, with its browser and address', async () => {
    const me = await h.signUp(unique('lister'));
    const laptop = await signIn(me.user, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    await h.signUp(unique('someone_else'));
    const list = await sessionsOf(laptop);
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.find((s) => s.current)).toMatchObject({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
  });

  it('signs out exactly one other device: its socket closes with 4001, the rest stay', async () => {
    const phone = await h.signUp(unique('revoker'));
    const laptop = await signIn(phone.user, 'laptop');
    const tablet = await signIn(phone.user, 'tablet');
    const [phoneSocket, laptopSocket, tabletSocket] = await Promise.all([h.connect(phone), h.connect(laptop), h.connect(tablet)]);
    const laptopId = (await sessionsOf(laptop)).find((s) => s.current)!.id;

    const bad = await h.trpc('account.revokeSession', { sessionId: 'not-an-id' }, { cookie: phone.cookie });
    expect(bad.status).toBe(400);
    const res = await h.trpc('account.revokeSession', { sessionId: laptopId }, { cookie: phone.cookie });
    expect(res.status).toBe(200);
    expect(await laptopSocket.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    expect((await h.trpc('auth.me', undefined, { cookie: laptop.cookie, method: 'GET' })).data).toBeNull();
    expect((await sessionsOf(phone)).map((s) => s.id)).not.toContain(laptopId);
    expect(phoneSocket.ws.readyState).toBe(phoneSocket.ws.OPEN);
    expect(tabletSocket.ws.readyState).toBe(tabletSocket.ws.OPEN);
    // Again, or someone else's: not_found, never a hint whose it was.
    const again = await h.trpc('account.revokeSession', { sessionId: laptopId }, { cookie: phone.cookie });
    expect(again.error?.data.appCode).toBe('not_found');
    const other = await h.signUp(unique('other'));
    const theirs = (await sessionsOf(other))[0]!.id;
    expect((await h.trpc('account.revokeSession', { sessionId: theirs }, { cookie: phone.cookie })).error?.data.appCode).toBe('not_found');
    expect(await sessionsOf(other)).toHaveLength(1);
  });

  it('signs out everywhere else, keeping this device', async () => {
    const here = await h.signUp(unique('everywhere'));
    const elsewhere = [await signIn(here.user, 'a'), await signIn(here.user, 'b')];
    const [hereSocket, ...otherSockets] = await Promise.all([h.connect(here), ...elsewhere.map((d) => h.connect(d))]);
    const res = await h.trpc<{ revoked: number }>('account.revokeOtherSessions', undefined, { cookie: here.cookie });
    expect(res.data).toEqual({ revoked: 2 });
    for (const socket of otherSockets) expect((await socket.closed).code).toBe(CLOSE_CODES.unauthorized.code);
    expect(hereSocket.ws.readyState).toBe(hereSocket.ws.OPEN);
    expect((await sessionsOf(here)).map((s) => s.current)).toEqual([true]);
  });
});

describe('changing the password', () => {
  it('needs the current password, refuses a bad new one clearly, then signs out every other session and keeps this one', async () => {
    const me = await h.signUp(unique('changer'));
    const other = await signIn(me.user, 'other device');
    const otherSocket = await h.connect(other);

    const wrong = await h.trpc('account.changePassword', { currentPassword: 'not my password', newPassword: 'a new long password' }, { cookie: me.cookie });
    expect(wrong.status).toBe(401);
    expect(wrong.error?.data.appCode).toBe('invalid_credentials');
    const short = await h.trpc('account.changePassword', { currentPassword: PASSWORD, newPassword: 'short' }, { cookie: me.cookie });
    expect(short.status).toBe(400);
    expect(short.error?.data.fieldErrors?.['newPassword']).toEqual(['A password has at least 8 characters']);
    const same = await h.trpc('account.changePassword', { currentPassword: PASSWORD, newPassword: PASSWORD }, { cookie: me.cookie });
    expect(same.error?.data.appCode).toBe('invalid_input');
    expect(otherSocket.ws.readyState).toBe(otherSocket.ws.OPEN);

    const ok = await h.trpc<{ revoked: number }>('account.changePassword', { currentPassword: PASSWORD, newPassword: 'a new long password' }, { cookie: me.cookie });
    expect(ok.data).toEqual({ revoked: 1 });
    expect((await otherSocket.closed).code).toBe(CLOSE_CODES.unauthorized.code);
    expect((await h.trpc<{ user: PublicUser }>('auth.me', undefined, { cookie: me.cookie, method: 'GET' })).data?.user.id).toBe(me.user.id);
    expect((await h.trpc('auth.signIn', { handle: me.user.handle, password: PASSWORD })).status).toBe(401);
    expect((await h.trpc('auth.signIn', { handle: me.user.handle, password: 'a new long password' })).status).toBe(200);
  });

  it('is throttled like sign-in: wrong current passwords past the limit are refused with retryAfterMs', async () => {
    const me = await h.signUp(unique('guesser'));
    const codes: Array<string | undefined> = [];
    for (let i = 0; i <= SIGN_IN_PER_HANDLE; i++) {
      const res = await h.trpc('account.changePassword', { currentPassword: `guess ${i}`, newPassword: 'whatever long' }, { cookie: me.cookie });
      codes.push(res.error?.data.appCode);
    }
    expect(codes).toEqual([...Array<string>(SIGN_IN_PER_HANDLE).fill('invalid_credentials'), 'rate_limited']);
  });
});

describe('display name', () => {
  it('reaches the people who share a conversation, live, and the name is current everywhere', async () => {
    const [me, friend, stranger] = [await h.signUp(unique('renamer')), await h.signUp(unique('friend')), await h.signUp(unique('stranger'))];
    await h.trpc('conversations.openDirect', { userId: friend.user.id }, { cookie: me.cookie });
    const [mine, friends, strangers] = await Promise.all([h.connect(me), h.connect(friend), h.connect(stranger)]);

    expect((await h.trpc('account.updateProfile', { displayName: '   ' }, { cookie: me.cookie })).error?.data.fieldErrors?.['displayName']).toEqual([
      'Display name is required',
    ]);
    const res = await h.trpc<{ user: PublicUser }>('account.updateProfile', { displayName: '  Renamed Person ' }, { cookie: me.cookie });
    expect(res.data?.user).toEqual({ ...me.user, displayName: 'Renamed Person' });
    const expected = { type: 'user_updated', user: { ...me.user, displayName: 'Renamed Person' } };
    expect(await friends.next('user_updated')).toEqual(expected);
    expect(await mine.next('user_updated')).toEqual(expected);
    expect((await h.trpc<{ user: PublicUser }>('auth.me', undefined, { cookie: me.cookie, method: 'GET' })).data?.user.displayName).toBe('Renamed Person');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(strangers.frames.some((f) => f.type === 'user_updated')).toBe(false);
  });
});

describe('deleting an account', () => {
  it('needs the password; then sessions close, sign-in fails, members see them leave with a gapless log, history still loads', async () => {
    const [gone, alice, bob] = [await h.signUp(unique('leaving')), await h.signUp(unique('alice')), await h.signUp(unique('bob'))];
    const group = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'team', memberIds: [alice.user.id, bob.user.id] }, { cookie: gone.cookie })).data!.conversationId;
    const dm = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: alice.user.id }, { cookie: gone.cookie })).data!.conversationId;
    const [goneSocket, aliceSocket] = await Promise.all([h.connect(gone), h.connect(alice)]);
    for (const conversationId of [group, dm]) expect((await act(goneSocket, { type: 'chat_send', conversationId, clientId: newClientId(), body: `from the leaver in ${conversationId}` })).type).toBe('chat_ack');
    const before = await syncLog(aliceSocket, group);

    const wrong = await h.trpc('account.delete', { password: 'not it' }, { cookie: gone.cookie });
    expect(wrong.error?.data.appCode).toBe('invalid_credentials');
    expect((await h.trpc('account.delete', {}, { cookie: gone.cookie })).status).toBe(400);

    const res = await h.trpc('account.delete', { password: PASSWORD }, { cookie: gone.cookie });
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(/parley_session=;/);
    expect((await goneSocket.closed).code).toBe(CLOSE_CODES.unauthorized.code);
    expect((await h.trpc('auth.me', undefined, { cookie: gone.cookie, method: 'GET' })).data).toBeNull();
    expect((await h.trpc('auth.signIn', { handle: gone.user.handle, password: PASSWORD })).error?.data.appCode).toBe('invalid_credentials');
    // The freed handle can be taken again; the tombstone's cannot.
    expect((await h.trpc('auth.signUp', { handle: gone.user.handle, displayName: 'New', password: PASSWORD })).status).toBe(200);
    expect((await h.trpc('auth.signUp', { handle: 'deleted_0123', displayName: 'Sneaky', password: PASSWORD })).error?.data.fieldErrors?.['handle']).toEqual([
      'Handles starting with deleted_ are reserved',
    ]);

    // Alice: told live, and her sync across the deletion has no hole.
    const updated = await aliceSocket.next('user_updated');
    expect(updated.user).toMatchObject({ id: gone.user.id, displayName: 'Deleted user' });
    // Offline at once, not after the presence grace (8 s by default): a tombstone is never "online".
    await aliceSocket.nextPresence((p) => p.userId === gone.user.id && p.status === 'offline', { timeoutMs: 3_000 });
    await aliceSocket.next('chat_event', (f) => f.event.conversationId === group && f.event.kind === 'message_created' && f.event.message.system?.action === 'member_left');
    const after = await syncLog(aliceSocket, group, before.throughSeq);
    expect(after.events.map((e) => e.seq)).toEqual(after.events.map((_, i) => before.throughSeq + 1 + i));
    expect(after.events.map((e) => (e.kind === 'message_created' ? e.message.system?.action : e.kind))).toEqual(['role_changed', 'member_left']);
    // Ownership passed on, so the group can still be managed: Alice and Bob joined together, so
    // the tie goes to the lower user id (libs/db accounts.ts: joined_at, then user_id).
    const [heir, other] = [alice.user.id, bob.user.id].sort();
    const conversation = await h.trpc<{ members: Array<{ id: string; role: string }> }>('conversations.get', { conversationId: group }, { cookie: alice.cookie, method: 'GET' });
    expect(conversation.data?.members.map((m) => [m.id, m.role]).sort()).toEqual([[heir, 'owner'], [other, 'member']].sort());

    // History pages load in both conversations, the leaver's words kept; the DM names the tombstone.
    for (const conversationId of [group, dm]) {
      const page = await h.trpc<{ messages: Array<{ senderId: string; body: string }> }>('messages.history', { conversationId }, { cookie: alice.cookie, method: 'GET' });
      expect(page.data?.messages).toContainEqual(expect.objectContaining({ senderId: gone.user.id, body: `from the leaver in ${conversationId}` }));
    }
    const direct = await h.trpc<{ members: PublicUser[] }>('conversations.get', { conversationId: dm }, { cookie: alice.cookie, method: 'GET' });
    expect(direct.data?.members.find((m) => m.id === gone.user.id)?.displayName).toBe('Deleted user');
    expect((await h.trpc('conversations.openDirect', { userId: gone.user.id }, { cookie: bob.cookie })).error?.data.appCode).toBe('not_found');
  });
});
