import type { Message, PublicUser, SearchHit } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter, type MessageWriter } from '../writer/message-writer.ts';
import { addMembers, createGroupConversation, removeMember, setHistoryVisibility } from './conversations.ts';
import { decodeCursor, encodeCursor, searchMessages, snippetOf, type SearchMessagesInput } from './message-search.ts';
import { createUpload } from './uploads.ts';

// Message search against real Postgres: the `parley_search` configuration, the generated
// tsvector, ranking, snippets, filters, paging and who may see what.

let testDb: TestDatabase;
let db: Db;
let writer: MessageWriter;
let alice: PublicUser;
let bob: PublicUser;
let carol: PublicUser;
let outsider: PublicUser;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  writer = createMessageWriter(db);
  alice = await createTestUser(db, 'alice');
  bob = await createTestUser(db, 'bob');
  carol = await createTestUser(db, 'carol');
  outsider = await createTestUser(db, 'out');
});
afterAll(async () => {
  await writer.close();
  await db.close();
  await testDb.drop();
});

async function group(members: PublicUser[] = [bob]): Promise<string> {
  const { conversationId } = await createGroupConversation(db, { creatorId: alice.id, title: 'search', memberIds: members.map((m) => m.id) });
  return conversationId;
}

async function say(conversationId: string, user: PublicUser, body: string): Promise<Message> {
  const result = await writer.submit({ senderId: user.id, conversationId, clientId: testClientId(), body });
  if (result.event.kind !== 'message_created') throw new Error('expected a message');
  return result.event.message;
}

/** Moves a message back in time (created_at is only for display and ranking). */
async function age(message: Message, days: number): Promise<void> {
  await db.pool.query(`UPDATE messages SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [message.id, days]);
}

const search = (user: PublicUser, query: string, extra: Partial<SearchMessagesInput> = {}) =>
  searchMessages(db, { userId: user.id, query, limit: 50, ...extra });
const bodies = (hits: SearchHit[]) => hits.map((h) => h.snippet.text);
const highlighted = (hit: SearchHit) => hit.snippet.highlights.map(([a, b]) => hit.snippet.text.slice(a, b));

describe('searchMessages: matching', () => {
  it('matches whole words, phrases in order, and leaves out -excluded words', async () => {
    const c = await group();
    await say(c, alice, 'the quick brown fox jumps');
    await say(c, bob, 'brown and quick, not a fox at all');
    await say(c, alice, 'a lazy dog');
    const scoped = { conversationId: c };
    expect(bodies((await search(alice, 'fox', scoped)).hits).sort()).toEqual(['brown and quick, not a fox at all', 'the quick brown fox jumps']);
    expect(bodies((await search(alice, '"quick brown"', scoped)).hits)).toEqual(['the quick brown fox jumps']);
    expect(bodies((await search(alice, 'fox -jumps', scoped)).hits)).toEqual(['brown and quick, not a fox at all']);
    expect(bodies((await search(alice, 'dog or jumps', scoped)).hits).sort()).toEqual(['a lazy dog', 'the quick brown fox jumps']);
    // Words, not substrings: "do" is not "dog".
    expect((await search(alice, 'do', scoped)).hits).toEqual([]);
  });

  it('ignores case and accents in both directions, in any script', async () => {
    const c = await group();
    await say(c, bob, 'On a eu une Crème Brûlée au CAFÉ de la Straße');
    await say(c, bob, 'Встреча в пятницу');
    const scoped = { conversationId: c };
    expect((await search(alice, 'creme brulee', scoped)).hits).toHaveLength(1);
    expect((await search(alice, 'café', scoped)).hits).toHaveLength(1);
    expect((await search(alice, 'cafe strasse', scoped)).hits).toHaveLength(1);
    expect((await search(alice, 'ВСТРЕЧА', scoped)).hits).toHaveLength(1);
  });

  it('ranks the better match first, and among equals the newer one', async () => {
    const c = await group();
    const old = await say(c, alice, 'release notes for the release');
    const fresh = await say(c, alice, 'release notes for the release');
    const wordy = await say(c, alice, `release ${'and so on, '.repeat(40)}`);
    await age(old, 90);
    const hits = (await search(alice, 'release', { conversationId: c })).hits;
    expect(hits.map((h) => h.messageId)).toEqual([fresh.id, old.id, wordy.id]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });
});

describe('searchMessages: snippets', () => {
  it('returns plain text with highlight ranges: markup in a body stays text', async () => {
    const c = await group();
    await say(c, bob, '<script>alert("x")</script> & <b>deploy</b> at 5 &amp; then \uE003fake\uE004 coffee');
    const [hit] = (await search(alice, 'deploy', { conversationId: c })).hits;
    expect(hit!.snippet.text).toBe('<script>alert("x")</script> & <b>deploy</b> at 5 &amp; then fake coffee');
    expect(highlighted(hit!)).toEqual(['deploy']);
    // A phrase is one highlight.
    await say(c, bob, 'we ship the new build tomorrow');
    const [phrase] = (await search(alice, '"new build"', { conversationId: c })).hits;
    expect(highlighted(phrase!)).toEqual(['new build']);
  });

  it('shows the part of a long message around the match', async () => {
    const c = await group();
    await say(c, bob, `${'filler words here '.repeat(60)}the needle is here ${'and more filler '.repeat(60)}`);
    const [hit] = (await search(alice, 'needle', { conversationId: c })).hits;
    expect(hit!.snippet.text.length).toBeLessThan(400);
    expect(highlighted(hit!)).toEqual(['needle']);
  });

  it('snippetOf joins the words of a phrase and maps the stand-ins back', () => {
    expect(snippetOf('a \uE003b\uE004 \uE003c\uE004 d \uE000x\uE001 \uE002')).toEqual({ text: 'a b c d <x> &', highlights: [[2, 5]] });
  });
});

describe('searchMessages: filters and paging', () => {
  it('filters by conversation, sender and date range', async () => {
    const c1 = await group([bob, carol]);
    const c2 = await group([bob]);
    const a = await say(c1, alice, 'budget review');
    const b = await say(c1, bob, 'budget draft');
    const d = await say(c2, bob, 'budget final');
    await age(a, 10);
    await age(b, 5);
    const ids = async (extra: Partial<SearchMessagesInput>) => (await search(bob, 'budget', extra)).hits.map((h) => h.messageId).sort();
    expect(await ids({ conversationId: c1 })).toEqual([a.id, b.id].sort());
    expect(await ids({ senderId: bob.id, conversationId: c1 })).toEqual([b.id]);
    const day = 86_400_000;
    expect(await ids({ since: new Date(Date.now() - 7 * day).toISOString() })).toEqual(expect.arrayContaining([b.id, d.id]));
    expect(await ids({ since: new Date(Date.now() - 7 * day).toISOString() })).not.toContain(a.id);
    expect(await ids({ until: new Date(Date.now() - 7 * day).toISOString() })).toEqual([a.id]);
    // Carol is not in c2: its message never shows for her.
    expect((await search(carol, 'budget')).hits.map((h) => h.messageId).sort()).toEqual([a.id, b.id].sort());
  });

  it('pages with a stable cursor: no repeats, no gaps, even as new matches arrive', async () => {
    const c = await group();
    const sent: Message[] = [];
    for (let i = 0; i < 25; i += 1) sent.push(await say(c, i % 2 ? alice : bob, `standup note ${i}${' words'.repeat(i % 4)}`));
    await Promise.all(sent.map((m, i) => age(m, i % 7)));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(alice, 'standup', { conversationId: c, limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...page.hits.map((h) => h.messageId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      if (pages === 1) await say(c, bob, 'a new standup note arrives mid-search');
      for (let i = 1; i < page.hits.length; i += 1) expect(page.hits[i - 1]!.score).toBeGreaterThanOrEqual(page.hits[i]!.score);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(sent.map((m) => m.id)));
    expect(pages).toBe(3);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(search(alice, 'x', { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_input' });
    const forged = Buffer.from(JSON.stringify({ v: 1, t: 'x' })).toString('base64url');
    await expect(search(alice, 'x', { cursor: forged })).rejects.toMatchObject({ code: 'invalid_input' });
    const good = { asOf: 1, score: 0.25, conversationId: alice.id, seq: 3 };
    expect(decodeCursor(encodeCursor(good))).toEqual(good);
  });

  it('a query with nothing that must match gives no results rather than everything', async () => {
    const c = await group();
    await say(c, alice, 'anything at all');
    for (const q of ['-anything', '" "', '- or -', '&|!', 'or', '-at -all']) expect((await search(alice, q)).hits, q).toEqual([]);
  });
});

describe('searchMessages: current state and who sees what', () => {
  it('finds an edited message by its new text only, and never a deleted one', async () => {
    const c = await group();
    const m = await say(c, alice, 'meet at the lighthouse');
    await writer.apply({ kind: 'edit', actorId: alice.id, conversationId: c, clientId: testClientId(), messageId: m.id, body: 'meet at the harbour' });
    expect((await search(alice, 'lighthouse', { conversationId: c })).hits).toEqual([]);
    const [hit] = (await search(alice, 'harbour', { conversationId: c })).hits;
    expect(hit).toMatchObject({ messageId: m.id });
    expect(hit!.editedAt).not.toBeNull();
    await writer.apply({ kind: 'delete', actorId: alice.id, conversationId: c, clientId: testClientId(), messageId: m.id });
    expect((await search(alice, 'harbour', { conversationId: c })).hits).toEqual([]);
  });

  it('a non-member finds nothing of a conversation, not even with its id as a filter', async () => {
    const c = await group();
    await say(c, alice, 'the secret plan');
    expect((await search(outsider, 'secret')).hits).toEqual([]);
    expect((await search(outsider, 'secret', { conversationId: c })).hits).toEqual([]);
    expect((await search(bob, 'secret')).hits).toHaveLength(1);
  });

  it('a member who left does not find what was said after they left', async () => {
    const c = await group([bob, carol]);
    await say(c, alice, 'zebra before leaving');
    await removeMember(db, { conversationId: c, actorId: carol.id, userId: carol.id });
    await say(c, alice, 'zebra after leaving');
    const found = bodies((await search(carol, 'zebra')).hits);
    expect(found).not.toContain('zebra after leaving');
    // Back in the group: a member again, they find the conversation's messages again.
    await addMembers(db, { conversationId: c, actorId: alice.id, userIds: [carol.id] });
    expect(bodies((await search(carol, 'zebra')).hits)).toContain('zebra before leaving');
  });

  it('in a since_joined group, finds only what was said during your membership periods', async () => {
    const c = await group([bob, carol]);
    await setHistoryVisibility(db, { conversationId: c, actorId: alice.id, visibility: 'since_joined' });
    await say(c, alice, 'okapi one, carol is here');
    await removeMember(db, { conversationId: c, actorId: carol.id, userId: carol.id });
    await say(c, alice, 'okapi two, carol is away');
    await addMembers(db, { conversationId: c, actorId: alice.id, userIds: [carol.id, outsider.id] });
    await say(c, alice, 'okapi three, carol is back');
    expect(bodies((await search(carol, 'okapi')).hits).sort()).toEqual(['okapi one, carol is here', 'okapi three, carol is back']);
    // A newcomer sees from their joining on; a founding member sees everything.
    expect(bodies((await search(outsider, 'okapi')).hits)).toEqual(['okapi three, carol is back']);
    expect((await search(bob, 'okapi')).hits).toHaveLength(3);
    // The same group with history open to all: the newcomer finds everything too.
    await setHistoryVisibility(db, { conversationId: c, actorId: alice.id, visibility: 'all' });
    expect((await search(outsider, 'okapi')).hits).toHaveLength(3);
  });
});

describe('searchMessages: has a file', () => {
  it('finds only captioned messages that carry a file, and forgets them once deleted', async () => {
    const c = await group();
    const upload = await createUpload(db, {
      id: crypto.randomUUID(), uploaderId: alice.id, name: 'budget.xlsx', size: 10, mime: 'application/zip', sha256: '00', width: null, height: null, thumbnail: null,
    });
    const withFile = await writer.submit({ senderId: alice.id, conversationId: c, clientId: testClientId(), body: 'quarterly budget attached', attachments: [upload.id] });
    await say(c, alice, 'quarterly budget is late');
    expect(bodies((await search(bob, 'quarterly budget', { hasFile: true })).hits)).toEqual(['quarterly budget attached']);
    expect((await search(bob, 'quarterly budget')).hits).toHaveLength(2);
    await writer.apply({ kind: 'delete', actorId: alice.id, conversationId: c, clientId: testClientId(), messageId: withFile.event.kind === 'message_created' ? withFile.event.message.id : '' });
    expect((await search(bob, 'quarterly budget', { hasFile: true })).hits).toEqual([]);
  });
});
