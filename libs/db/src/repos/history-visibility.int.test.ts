import { AppError, type ConversationEvent, type Message, type PublicUser } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter, type MessageWriter, type SubmitResult } from '../writer/message-writer.ts';
import { getConversation } from './conversation-summaries.ts';
import { addMembers, createGroupConversation, openDirectConversation, removeMember, setHistoryVisibility, setMemberRole } from './conversations.ts';
import { eventsAfter, historyPage } from './event-reads.ts';

// History visibility (PROTOCOL.md §5 "Who sees which part of the log"): with `since_joined`, a
// member sees only the seqs of their own membership periods, in history, sync, replies and the
// writers' checks; with `all` (the default) everyone sees the whole log.

let testDb: TestDatabase;
let db: Db;
let writer: MessageWriter;
let alice: PublicUser; // owner
let bob: PublicUser; // member from the start
let carol: PublicUser; // joins late, leaves, comes back
let conversationId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 6 });
  writer = createMessageWriter(db);
  alice = await createTestUser(db, 'alice');
  bob = await createTestUser(db, 'bob');
  carol = await createTestUser(db, 'carol');
});
afterAll(async () => {
  await writer.close();
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  ({ conversationId } = await createGroupConversation(db, { creatorId: alice.id, title: 'vis', memberIds: [bob.id] }));
});

function messageOf(result: SubmitResult): Message {
  if (result.event.kind !== 'message_created') throw new Error(`expected message_created, got ${result.event.kind}`);
  return result.event.message;
}
const say = async (user: PublicUser, body: string, replyTo?: string) =>
  messageOf(await writer.submit({ senderId: user.id, conversationId, clientId: testClientId(), body, ...(replyTo ? { replyTo } : {}) }));
const add = (user: PublicUser) => addMembers(db, { conversationId, actorId: alice.id, userIds: [user.id] });
const remove = (user: PublicUser) => removeMember(db, { conversationId, actorId: alice.id, userId: user.id });
const setPolicy = (visibility: 'all' | 'since_joined', actor = alice) =>
  setHistoryVisibility(db, { conversationId, actorId: actor.id, visibility });

async function syncAll(viewer: PublicUser, afterSeq = 0): Promise<{ events: ConversationEvent[]; throughSeq: number }> {
  const events: ConversationEvent[] = [];
  for (let after = afterSeq; ; ) {
    const page = await eventsAfter(db, { conversationId, afterSeq: after, limit: 3, viewerId: viewer.id });
    events.push(...page.events);
    after = page.throughSeq;
    if (!page.hasMore) return { events, throughSeq: after };
  }
}
const bodiesIn = (events: readonly ConversationEvent[]) =>
  events.flatMap((e) => (e.kind === 'message_created' && e.message.kind === 'text' ? [e.message.body] : []));
const historyBodies = async (viewer: PublicUser) =>
  (await historyPage(db, { conversationId, limit: 100, viewerId: viewer.id })).messages.flatMap((m) => (m.kind === 'text' ? [m.body] : []));
const headSeq = async () => Number((await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).lastSeq);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('history visibility', () => {
  it('by default (all) a member added back later sees what was said while they were out', async () => {
    await add(carol);
    await say(alice, 'before carol left');
    await remove(carol);
    await say(alice, 'while carol was out');
    await add(carol);
    await say(bob, 'after carol came back');

    expect((await getConversation(db, conversationId, carol.id)).historyVisibility).toBe('all');
    const expected = ['before carol left', 'while carol was out', 'after carol came back'];
    expect(await historyBodies(carol)).toEqual(expected);
    expect(bodiesIn((await syncAll(carol)).events)).toEqual(expected);
  });

  it('with since_joined a member sees only their own membership periods, in history and in sync', async () => {
    await setPolicy('since_joined');
    await say(alice, 'before carol joined');
    await add(carol);
    await say(alice, 'carol period one');
    await remove(carol);
    await say(bob, 'while carol was out');
    await add(carol);
    await say(bob, 'carol period two');

    const carolSees = ['carol period one', 'carol period two'];
    expect(await historyBodies(carol)).toEqual(carolSees);
    const synced = await syncAll(carol);
    expect(bodiesIn(synced.events)).toEqual(carolSees);
    // Hidden seqs are stepped over: the reader ends at the head, not stuck before a gap.
    expect(synced.throughSeq).toBe(await headSeq());
    // Everything she sees is in her periods; her own additions are among them.
    const systems = synced.events.flatMap((e) => (e.kind === 'message_created' && e.message.kind === 'system' && e.message.system ? [e.message.system.action] : []));
    expect(systems).toEqual(['members_added', 'members_added']);

    // Members from the start see everything, as before.
    expect(await historyBodies(bob)).toEqual(['before carol joined', 'carol period one', 'while carol was out', 'carol period two']);
    // A member from the start keeps seeing it all after the switch, too.
    expect(bodiesIn((await syncAll(alice)).events)).toContain('before carol joined');
  });

  it('hides edits, deletes and reactions of a message a member cannot see, live and in sync, and refuses acting on it', async () => {
    await setPolicy('since_joined');
    const hidden = await say(alice, 'said before carol');
    await add(carol);
    const seen = await say(alice, 'said after carol');
    const fromSeq = await headSeq();

    const edit = await writer.apply({ kind: 'edit', actorId: alice.id, conversationId, clientId: testClientId(), messageId: hidden.id, body: 'edited before' });
    // Live: the event names who may get it (carol may not).
    expect(edit.audience?.blind).toEqual([carol.id]);
    expect(new Set(edit.audience?.sees)).toEqual(new Set([alice.id, bob.id]));
    const react = await writer.apply({
      kind: 'react',
      actorId: bob.id,
      conversationId,
      clientId: testClientId(),
      messageId: hidden.id,
      emoji: '👍',
      action: 'add',
    });
    expect(react.audience?.blind).toEqual([carol.id]);
    const visibleEdit = await writer.apply({ kind: 'edit', actorId: alice.id, conversationId, clientId: testClientId(), messageId: seen.id, body: 'edited after' });
    expect(visibleEdit.audience).toBeUndefined();

    const carolSync = await syncAll(carol, fromSeq);
    expect(carolSync.events.map((e) => e.kind)).toEqual(['message_edited']);
    expect(carolSync.events[0]).toMatchObject({ messageId: seen.id, body: 'edited after' });
    expect(carolSync.throughSeq).toBe(await headSeq());
    expect((await syncAll(bob, fromSeq)).events.map((e) => e.kind)).toEqual(['message_edited', 'reaction_added', 'message_edited']);

    // Carol cannot reach it by id either: it is not there for her.
    for (const action of [
      { kind: 'react' as const, emoji: '👍', action: 'add' as const },
      { kind: 'edit' as const, body: 'x' },
      { kind: 'delete' as const },
    ]) {
      const error = await rejection(writer.apply({ ...action, actorId: carol.id, conversationId, clientId: testClientId(), messageId: hidden.id }));
      expect(error.code).toBe('not_found');
    }
    expect((await rejection(say(carol, 'replying to the past', hidden.id))).code).toBe('not_found');
  });

  it('shows a reply to a message from before someone joined without its excerpt, to them only', async () => {
    await setPolicy('since_joined');
    const old = await say(alice, 'the old question');
    await add(carol);
    const reply = await writer.submit({ senderId: bob.id, conversationId, clientId: testClientId(), body: 'the answer', replyTo: old.id });
    expect(reply.audience?.blind).toEqual([carol.id]);
    expect(messageOf(reply).replyTo).toMatchObject({ messageId: old.id, excerpt: 'the old question' });

    const carolHistory = (await historyPage(db, { conversationId, limit: 10, viewerId: carol.id })).messages;
    expect(carolHistory.find((m) => m.id === messageOf(reply).id)?.replyTo).toBeNull();
    const carolSynced = (await syncAll(carol)).events.find((e) => e.kind === 'message_created' && e.message.id === messageOf(reply).id);
    expect(carolSynced?.kind === 'message_created' && carolSynced.message.replyTo).toBeNull();
    const bobHistory = (await historyPage(db, { conversationId, limit: 10, viewerId: bob.id })).messages;
    expect(bobHistory.find((m) => m.id === messageOf(reply).id)?.replyTo).toMatchObject({ messageId: old.id });
    // The conversation list's last message follows the same rule.
    expect((await getConversation(db, conversationId, carol.id)).lastMessage?.replyTo).toBeNull();
    expect((await getConversation(db, conversationId, bob.id)).lastMessage?.replyTo).toMatchObject({ messageId: old.id });
  });

  it('is set by owners only, on groups only, with a system message, and nothing when unchanged', async () => {
    await add(carol);
    await setMemberRole(db, { conversationId, actorId: alice.id, userId: bob.id, role: 'admin' });
    expect((await rejection(setPolicy('since_joined', bob))).code).toBe('forbidden');
    expect((await rejection(setPolicy('since_joined', carol))).code).toBe('forbidden');
    const outsider = await createTestUser(db, 'outsider');
    expect((await rejection(setPolicy('since_joined', outsider))).code).toBe('not_member');

    const changed = await setPolicy('since_joined');
    expect(changed.events).toHaveLength(1);
    const [event] = changed.events;
    expect(event?.kind === 'message_created' && event.message.kind === 'system' && event.message.system).toEqual({
      action: 'history_visibility_changed',
      visibility: 'since_joined',
    });
    expect((await getConversation(db, conversationId, bob.id)).historyVisibility).toBe('since_joined');
    expect((await setPolicy('since_joined')).events).toEqual([]);

    const direct = await openDirectConversation(db, alice.id, bob.id);
    const error = await rejection(setHistoryVisibility(db, { conversationId: direct.conversationId, actorId: alice.id, visibility: 'since_joined' }));
    expect(error.code).toBe('invalid_input');
  });
});
