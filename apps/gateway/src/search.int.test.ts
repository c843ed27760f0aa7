import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MessageSearchPage } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { nextMessage } from './testing/ws-client.ts';

// messages.search and history around a seq over HTTP, as a client uses them: search, then open
// the conversation at the hit and page both ways.

let h: Harness;
let alice: TestUser;
let bob: TestUser;
let eve: TestUser;
let conversationId: string;

type Window = { messages: Message[]; hasMore: boolean; hasNewer: boolean; throughSeq: number };

beforeAll(async () => {
  h = await startHarness({ env: { MESSAGE_SEARCH_PER_MINUTE: '25' } });
  [alice, bob, eve] = await Promise.all([h.signUp('s_alice'), h.signUp('s_bob'), h.signUp('s_eve')]);
  const created = await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Trip', memberIds: [bob.user.id] }, { cookie: alice.cookie });
  conversationId = created.data!.conversationId;
  const socket = await h.connect(alice);
  for (let i = 1; i <= 30; i += 1) {
    const body = i === 12 ? 'The ferry to the island leaves at nine' : `message number ${i}`;
    socket.send({ type: 'chat_send', clientId: `search-${i}`, conversationId, body });
    await nextMessage(socket, (m) => m.body === body);
  }
}, 60_000);
afterAll(() => h?.close());

const search = (user: TestUser, input: Record<string, unknown>) => h.trpc<MessageSearchPage>('messages.search', input, { cookie: user.cookie, method: 'GET' });
const history = (user: TestUser, input: Record<string, unknown>) => h.trpc<Window>('messages.history', { conversationId, ...input }, { cookie: user.cookie, method: 'GET' });

describe('messages.search over HTTP', () => {
  it('finds a member’s message with a highlighted snippet, and opens the log around it', async () => {
    const found = await search(bob, { query: 'ISLAND ferry' });
    expect(found.status).toBe(200);
    const [hit] = found.data!.hits;
    expect(hit).toMatchObject({ conversationId, senderId: alice.user.id, senderDisplayName: 'S_alice', snippet: { text: 'The ferry to the island leaves at nine' } });
    expect(hit!.snippet.highlights).toEqual([[4, 9], [17, 23]]);

    const around = await history(bob, { aroundSeq: hit!.seq, limit: 10 });
    expect(around.data!.messages.map((m) => m.seq)).toContain(hit!.seq);
    expect(around.data).toMatchObject({ hasMore: true, hasNewer: true });
    const newer = await history(bob, { afterSeq: around.data!.messages.at(-1)!.seq, limit: 100 });
    expect(newer.data).toMatchObject({ hasNewer: false });
    expect(newer.data!.messages.at(-1)!.body).toBe('message number 30');
    expect((await history(bob, { aroundSeq: 3, beforeSeq: 5 })).status).toBe(400);
  });

  it('outsiders get nothing: no hits without a filter, not_member with one', async () => {
    expect((await search(eve, { query: 'ferry' })).data).toEqual({ hits: [], nextCursor: null });
    expect(await search(eve, { query: 'ferry', conversationId })).toMatchObject({ status: 403, error: { data: { appCode: 'not_member' } } });
    expect((await history(eve, { aroundSeq: 12 })).status).toBe(403);
  });

  it('answers bad input clearly: empty, too long, bad cursor; only operators find nothing', async () => {
    expect(await search(alice, { query: '   ' })).toMatchObject({ status: 400, error: { data: { fieldErrors: { query: ['Type something to search for'] } } } });
    expect((await search(alice, { query: 'x'.repeat(257) })).status).toBe(400);
    expect(await search(alice, { query: 'ferry', cursor: 'garbage' })).toMatchObject({ status: 400, error: { data: { appCode: 'invalid_input' } } });
    expect((await search(alice, { query: '-ferry' })).data!.hits).toEqual([]);
    expect((await search(alice, { query: '"" - | !' })).data!.hits).toEqual([]);
  });

  it('pages with nextCursor', async () => {
    const first = await search(alice, { query: 'message number', limit: 20 });
    expect(first.data!.hits).toHaveLength(20);
    const second = await search(alice, { query: 'message number', limit: 20, cursor: first.data!.nextCursor });
    expect(second.data!.hits).toHaveLength(9);
    expect(second.data!.nextCursor).toBeNull();
    const ids = [...first.data!.hits, ...second.data!.hits].map((x) => x.messageId);
    expect(new Set(ids).size).toBe(29);
  });

  it('is limited per user, apart from people search', async () => {
    let refused;
    for (let i = 0; i < 30 && !refused; i += 1) {
      const res = await search(eve, { query: `probe${i}` });
      if (res.status === 429) refused = res;
    }
    expect(refused).toMatchObject({ status: 429, error: { data: { appCode: 'rate_limited' } } });
    // Eve's people search has its own budget.
    expect((await h.trpc('users.search', { query: 's_a' }, { cookie: eve.cookie, method: 'GET' })).status).toBe(200);
    // Others are not affected.
    expect((await search(bob, { query: 'ferry' })).status).toBe(200);
  });
});
