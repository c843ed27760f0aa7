import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { SOCKET_CAP_RETRY_AFTER_MS } from './ws/handlers/hello.ts';
import { openSocket } from './testing/ws-client.ts';

// Per-user caps (issue 8; PROTOCOL.md §13): sockets per user on a node, groups created per hour,
// members per group. Each refusal is a clear error, and nothing past the cap is stored.

let h: Harness;
let alice: TestUser;
let others: TestUser[];

beforeAll(async () => {
  h = await startHarness({ env: { MAX_SOCKETS_PER_USER: '2', GROUPS_PER_HOUR: '2', MAX_GROUP_MEMBERS: '3' } });
  alice = await h.signUp('alice');
  others = await Promise.all(['bob', 'carol', 'dave'].map((name) => h.signUp(name)));
});
afterAll(() => h?.close());

describe('per-user caps', () => {
  it('refuses a user’s third socket on a node with rate_limited and close 1013, and lets one in again once a socket closes', async () => {
    const first = await h.connect(alice);
    await h.connect(alice);
    const third = await openSocket(h.wsUrl, { cookie: alice.cookie, origin: h.origin });
    third.send({ type: 'hello', protocol: 2 });
    const refused = await third.next('error');
    expect(refused).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: SOCKET_CAP_RETRY_AFTER_MS, ref: 'hello' });
    expect(refused.message).toContain('at most 2');
    expect(await third.closed).toMatchObject({ code: 1013, reason: 'try_again_later' });
    // Someone else is not affected.
    await h.connect(others[0]!);

    first.close();
    await first.closed;
    await expect.poll(async () => {
      const again = await openSocket(h.wsUrl, { cookie: alice.cookie, origin: h.origin });
      again.send({ type: 'hello', protocol: 2 });
      const answer = await Promise.race([again.next('hello_ok').then(() => 'ok'), again.closed.then(() => 'closed')]);
      again.close();
      return answer;
    }).toBe('ok');
  });

  it('refuses a group past MAX_GROUP_MEMBERS, at creation and when adding, storing nothing', async () => {
    const [bob, carol, dave] = others as [TestUser, TestUser, TestUser];
    const tooBig = await h.trpc('conversations.createGroup', { title: 'Too big', memberIds: [bob.user.id, carol.user.id, dave.user.id] }, { cookie: alice.cookie });
    expect(tooBig.status).toBe(409);
    expect(tooBig.error).toMatchObject({ message: 'A group can have at most 3 members', data: { appCode: 'conflict' } });

    const group = await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Full', memberIds: [bob.user.id, carol.user.id] }, { cookie: alice.cookie });
    expect(group.status).toBe(200);
    const conversationId = group.data!.conversationId;
    const add = await h.trpc('conversations.addMembers', { conversationId, userIds: [dave.user.id] }, { cookie: alice.cookie });
    expect(add.status).toBe(409);
    expect(add.error).toMatchObject({ message: 'A group can have at most 3 members', data: { appCode: 'conflict' } });
    const after = await h.trpc<{ members: { id: string }[]; lastSeq: number }>('conversations.get', { conversationId }, { cookie: alice.cookie, method: 'GET' });
    expect(after.data!.members.map((m) => m.id).sort()).toEqual([alice.user.id, bob.user.id, carol.user.id].sort());
    expect(after.data!.lastSeq).toBe(1); // no members_added message either
  });

  it('limits the groups one user creates per hour, with a wait people can read', async () => {
    const dave = others[2]!;
    const create = (title: string) => h.trpc('conversations.createGroup', { title, memberIds: [] }, { cookie: dave.cookie });
    expect((await create('one')).status).toBe(200);
    expect((await create('two')).status).toBe(200);
    const third = await create('three');
    expect(third.status).toBe(429);
    expect(third.error?.data.appCode).toBe('rate_limited');
    expect(third.error?.message).toMatch(/^Too many new groups, try again in \d+ minutes$/);
    // Another user still can.
    expect((await h.trpc('conversations.createGroup', { title: 'bobs', memberIds: [] }, { cookie: others[0]!.cookie })).status).toBe(200);
    const list = await h.trpc<{ title: string | null }[]>('conversations.list', undefined, { cookie: dave.cookie, method: 'GET' });
    expect(list.data!.map((c) => c.title).sort()).toEqual(['one', 'two']);
  });
});
