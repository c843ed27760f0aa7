import {
  MAX_DISTINCT_REACTIONS,
  MAX_REACTIONS_PER_USER,
  foldEvent,
  mapFoldTarget,
  type ConversationEvent,
  type Message,
  type PublicUser,
} from '@parley/protocol';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../migrate/migration-files.ts';
import { createDb, type Db } from '../client/create-db.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { createMessageWriter, type MessageWriter, type SubmitResult } from '../writer/message-writer.ts';
import type { MessageAction } from '../writer/commit-action.ts';
import { getConversation } from './conversation-summaries.ts';
import { addMembers, createGroupConversation, openDirectConversation, removeMember, renameConversation, setMemberRole } from './conversations.ts';
import { eventsAfter, historyPage } from './event-reads.ts';

let testDb: TestDatabase;
let db: Db;
let writer: MessageWriter;
let alice: PublicUser;
let bob: PublicUser;
let carol: PublicUser;
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
  ({ conversationId } = await createGroupConversation(db, { creatorId: alice.id, title: 'log', memberIds: [bob.id] }));
});

function messageOf(result: SubmitResult): Message {
  if (result.event.kind !== 'message_created') throw new Error(`expected message_created, got ${result.event.kind}`);
  return result.event.message;
}
const say = async (user: PublicUser, body: string, extra: { replyTo?: string } = {}) =>
  messageOf(await writer.submit({ senderId: user.id, conversationId, clientId: testClientId(), body, ...extra }));
type ActionOf<A> = A extends MessageAction ? Omit<A, 'actorId' | 'conversationId' | 'clientId'> & { clientId?: string } : never;
const actAs = (user: PublicUser, action: ActionOf<MessageAction>) =>
  writer.apply({ clientId: testClientId(), ...action, actorId: user.id, conversationId } as MessageAction);

async function allEvents(afterSeq = 0, limit = 200): Promise<ConversationEvent[]> {
  const events: ConversationEvent[] = [];
  for (let after = afterSeq; ; ) {
    const page = await eventsAfter(db, { conversationId, afterSeq: after, limit, viewerId: alice.id });
    events.push(...page.events);
    expect(page.throughSeq).toBeGreaterThanOrEqual(after);
    after = page.throughSeq;
    if (!page.hasMore) return events;
  }
}

/** Folds a whole log the way every client does (PROTOCOL.md §7.2). */
function fold(events: readonly ConversationEvent[]): Map<number, Message> {
  const target = mapFoldTarget();
  for (const event of events) foldEvent(target, event);
  return target.messages;
}

const act = actAs;
const lastSeq = async () => (await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).lastSeq;

describe('the conversation event log', () => {
  it('puts every change in one gapless log, and a replay from any seq converges to the history state', async () => {
    // Every event as its commit returned it: what live delivery carries.
    const liveEvents: ConversationEvent[] = [];
    const say = async (user: PublicUser, body: string, extra: { replyTo?: string } = {}) => {
      const result = await writer.submit({ senderId: user.id, conversationId, clientId: testClientId(), body, ...extra });
      liveEvents.push(result.event);
      return messageOf(result);
    };
    const act = async (user: PublicUser, action: Parameters<typeof actAs>[1]) => {
      const outcome = await actAs(user, action);
      if (outcome.event) liveEvents.push(outcome.event);
      return outcome;
    };
    const hello = await say(alice, 'helo @' + bob.handle);
    const question = await say(bob, 'what is up?', { replyTo: hello.id });
    const edited = await act(alice, { kind: 'edit', messageId: hello.id, body: 'hello @' + bob.handle });
    const thumbs = await act(bob, { kind: 'react', messageId: hello.id, emoji: '👍', action: 'add' });
    await act(alice, { kind: 'react', messageId: hello.id, emoji: '👍', action: 'add' });
    await act(alice, { kind: 'react', messageId: question.id, emoji: '🎉', action: 'add' });
    await act(alice, { kind: 'react', messageId: question.id, emoji: '🎉', action: 'remove' });
    const doomed = await say(bob, 'oops, wrong chat');
    await act(bob, { kind: 'react', messageId: doomed.id, emoji: '😬', action: 'add' });
    await act(bob, { kind: 'edit', messageId: doomed.id, body: 'oops, wrong chat!!' });
    const gone = await act(bob, { kind: 'delete', messageId: doomed.id });

    expect(edited.event).toMatchObject({ kind: 'message_edited', messageId: hello.id, messageSeq: hello.seq, body: 'hello @' + bob.handle, mentions: [bob.id] });
    expect(thumbs.event).toMatchObject({ kind: 'reaction_added', actorId: bob.id, emoji: '👍', messageSeq: hello.seq });
    expect(gone.event).toMatchObject({ kind: 'message_deleted', messageId: doomed.id });

    const events = await allEvents();
    // seq 1 is "group created"; every later change took the next seq, with nothing skipped.
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(Number(await lastSeq())).toBe(events.length);
    expect(events.map((e) => e.kind)).toEqual([
      'message_created', 'message_created', 'message_created', 'message_edited', 'reaction_added', 'reaction_added',
      'reaction_added', 'reaction_removed', 'message_created', 'reaction_added', 'message_edited', 'message_deleted',
    ]);
    // A deleted message's old bodies never come back: its edit replays without a body.
    const replayedEdit = events.find((e) => e.kind === 'message_edited' && e.messageId === doomed.id);
    expect(replayedEdit).toMatchObject({ body: null, mentions: [] });

    const history = await historyPage(db, { conversationId, limit: 50, viewerId: alice.id });
    expect(history.throughSeq).toBe(events.length);
    const current = new Map(history.messages.map((m) => [m.seq, m]));
    expect(current.get(hello.seq)).toMatchObject({
      body: 'hello @' + bob.handle,
      mentions: [bob.id],
      reactions: [{ emoji: '👍', userIds: [bob.id, alice.id] }],
    });
    expect(current.get(hello.seq)?.editedAt).not.toBeNull();
    expect(current.get(question.seq)).toMatchObject({
      reactions: [],
      replyTo: { messageId: hello.id, seq: hello.seq, senderId: alice.id, excerpt: 'hello @' + bob.handle },
    });
    expect(current.get(doomed.seq)).toMatchObject({ body: '', reactions: [], mentions: [] });
    expect(current.get(doomed.seq)?.deletedAt).not.toBeNull();

    // A client that saw the live events up to any seq, then resumed with chat_sync from there
    // (in small pages), ends with exactly the state history shows.
    const live = [events[0] as ConversationEvent, ...liveEvents];
    expect(live.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    for (let from = 0; from <= live.length; from++) {
      const resumed = fold([...live.slice(0, from), ...(await allEvents(from, 3))]);
      for (const [seq, message] of current) expect(resumed.get(seq), `resumed from ${from}, seq ${seq}`).toEqual(message);
    }
  });

  it('answers a retried action with its original event and stores it once', async () => {
    const message = await say(alice, 'retry me');
    for (const action of [
      { kind: 'react', messageId: message.id, emoji: '🔥', action: 'add' },
      { kind: 'edit', messageId: message.id, body: 'retried' },
      { kind: 'delete', messageId: message.id },
    ] as const) {
      const clientId = testClientId();
      const first = await act(alice, { ...action, clientId });
      const again = await act(alice, { ...action, clientId });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ duplicate: true, event: first.event });
    }
    // A clientId of a message reused for an action answers with that message's event.
    const sent = await writer.submit({ senderId: alice.id, conversationId, clientId: 'reused-id-1', body: 'x' });
    expect(await act(alice, { kind: 'react', messageId: message.id, emoji: '🔥', action: 'add', clientId: 'reused-id-1' })).toEqual({
      duplicate: true,
      event: sent.event,
    });
    expect((await allEvents()).map((e) => e.kind)).toEqual([
      'message_created', 'message_created', 'reaction_added', 'message_edited', 'message_deleted', 'message_created',
    ]);
  });

  it('writes nothing for an action already in effect', async () => {
    const message = await say(alice, 'no-ops');
    const before = await lastSeq();
    await act(bob, { kind: 'react', messageId: message.id, emoji: '👀', action: 'add' });
    expect(await act(bob, { kind: 'react', messageId: message.id, emoji: '👀', action: 'add' })).toEqual({ duplicate: false });
    expect(await act(alice, { kind: 'react', messageId: message.id, emoji: '👀', action: 'remove' })).toEqual({ duplicate: false });
    expect(await act(alice, { kind: 'edit', messageId: message.id, body: 'no-ops' })).toEqual({ duplicate: false });
    await act(alice, { kind: 'delete', messageId: message.id });
    expect(await act(alice, { kind: 'delete', messageId: message.id })).toEqual({ duplicate: false });
    expect(Number(await lastSeq()) - Number(before)).toBe(2);
  });

  it('refuses what its actor may not do, leaks nothing and uses no seq', async () => {
    const mine = await say(alice, 'only I may change this');
    const { conversationId: elsewhere } = await openDirectConversation(db, alice.id, carol.id);
    const foreign = messageOf(await writer.submit({ senderId: carol.id, conversationId: elsewhere, clientId: testClientId(), body: 'hi' }));
    const call = messageOf(
      await writer.submit({
        senderId: alice.id,
        conversationId,
        clientId: testClientId(),
        body: '',
        call: { callId: crypto.randomUUID(), media: 'audio', endReason: 'missed', durationMs: 0 },
      }),
    );
    const before = await lastSeq();
    const refusals: Array<[() => Promise<unknown>, string]> = [
      [() => act(bob, { kind: 'edit', messageId: mine.id, body: 'hijacked' }), 'forbidden'],
      [() => act(bob, { kind: 'delete', messageId: mine.id }), 'forbidden'],
      [() => act(alice, { kind: 'edit', messageId: call.id, body: 'not a call' }), 'forbidden'],
      [() => act(carol, { kind: 'react', messageId: mine.id, emoji: '👍', action: 'add' }), 'not_member'],
      [() => act(carol, { kind: 'edit', messageId: foreign.id, body: 'x' }), 'not_member'],
      // Alice is in both conversations, but the message is not in this one.
      [() => act(alice, { kind: 'react', messageId: foreign.id, emoji: '👍', action: 'add' }), 'not_found'],
      [() => act(alice, { kind: 'react', messageId: crypto.randomUUID(), emoji: '👍', action: 'add' }), 'not_found'],
      [() => writer.submit({ senderId: alice.id, conversationId, clientId: testClientId(), body: 'reply', replyTo: foreign.id }), 'not_found'],
    ];
    for (const [attempt, code] of refusals) await expect(attempt()).rejects.toMatchObject({ code, retryable: false });
    expect(await lastSeq()).toBe(before);
    await act(alice, { kind: 'delete', messageId: mine.id });
    await expect(act(alice, { kind: 'edit', messageId: mine.id, body: 'back' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(act(bob, { kind: 'react', messageId: mine.id, emoji: '👍', action: 'add' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('caps distinct emoji per message and reactions per user', async () => {
    const message = await say(alice, 'react to me');
    const emoji = ['😀', '😃', '😄', '😁', '😆', '😅', '😂', '🤣', '😊', '😇', '🙂', '🙃', '😉', '😌', '😍', '🥰', '😘', '😗', '😙', '😚', '😋'];
    for (const e of emoji.slice(0, MAX_REACTIONS_PER_USER)) await act(alice, { kind: 'react', messageId: message.id, emoji: e, action: 'add' });
    await expect(act(alice, { kind: 'react', messageId: message.id, emoji: '😋', action: 'add' })).rejects.toMatchObject({
      code: 'limit_exceeded',
    });
    for (const e of emoji.slice(MAX_REACTIONS_PER_USER, MAX_DISTINCT_REACTIONS)) {
      await act(bob, { kind: 'react', messageId: message.id, emoji: e, action: 'add' });
    }
    await addMembers(db, { conversationId, actorId: alice.id, userIds: [carol.id] });
    await expect(act(carol, { kind: 'react', messageId: message.id, emoji: '🫠', action: 'add' })).rejects.toMatchObject({
      code: 'limit_exceeded',
    });
    // An emoji already on the message is not a new distinct one.
    await act(carol, { kind: 'react', messageId: message.id, emoji: emoji[0] as string, action: 'add' });
    const current = (await historyPage(db, { conversationId, limit: 5, viewerId: alice.id })).messages.find((m) => m.id === message.id);
    expect(current?.reactions).toHaveLength(MAX_DISTINCT_REACTIONS);
    expect(current?.reactions[0]).toEqual({ emoji: emoji[0], userIds: [alice.id, carol.id] });
  });

  it('lists reactions in the order a client folding the log arrives at', async () => {
    await addMembers(db, { conversationId, actorId: alice.id, userIds: [carol.id] });
    const message = await say(alice, 'order of reactions');
    const events: ConversationEvent[] = [];
    const react = async (user: PublicUser, emoji: string, action: 'add' | 'remove') => {
      const { event } = await act(user, { kind: 'react', messageId: message.id, emoji, action });
      if (event) events.push(event);
    };
    await react(alice, '👍', 'add');
    await react(bob, '❤️', 'add');
    await react(carol, '👍', 'add');
    // 👍 keeps its place (before ❤️) while Carol still has it...
    await react(alice, '👍', 'remove');
    await react(bob, '🎉', 'add');
    expect((await historyPage(db, { conversationId, limit: 1, viewerId: alice.id })).messages[0]?.reactions.map((r) => r.emoji)).toEqual(['👍', '❤️', '🎉']);
    await react(bob, '❤️', 'remove');
    // ...and ❤️, gone and back, goes last.
    await react(alice, '❤️', 'add');
    const [current] = (await historyPage(db, { conversationId, limit: 1, viewerId: alice.id })).messages;
    expect(current?.reactions).toEqual([
      { emoji: '👍', userIds: [carol.id] },
      { emoji: '🎉', userIds: [bob.id] },
      { emoji: '❤️', userIds: [alice.id] },
    ]);
    expect(fold([{ kind: 'message_created', conversationId, seq: message.seq, actorId: alice.id, createdAt: message.createdAt, message }, ...events]).get(message.seq)?.reactions).toEqual(
      current?.reactions,
    );
  });

  it('keeps the log gapless under concurrent reactions, edits and sends from many users', async () => {
    const target = await say(alice, 'busy');
    await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => act(i % 2 ? alice : bob, { kind: 'react', messageId: target.id, emoji: ['👍', '❤️', '🎉'][i % 3] as string, action: i % 4 === 3 ? 'remove' : 'add' })),
      ...Array.from({ length: 10 }, (_, i) => act(alice, { kind: 'edit', messageId: target.id, body: `busy ${i}` })),
      ...Array.from({ length: 20 }, (_, i) => say(i % 2 ? alice : bob, `m${i}`)),
    ]);
    const events = await allEvents(0, 7);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    const history = await historyPage(db, { conversationId, limit: 100, viewerId: alice.id });
    const folded = fold(events);
    for (const message of history.messages) expect(folded.get(message.seq)).toEqual(message);
  });

  it('never wedges on a seq that no row holds: the page says where the log continues', async () => {
    await say(alice, 'before the hole');
    // A seq allocated but never written (no code path does this; a reader must survive it).
    await db.pool.query('UPDATE conversations SET last_seq = last_seq + 3 WHERE id = $1', [conversationId]);
    const after = await say(bob, 'after the hole');
    const first = await eventsAfter(db, { conversationId, afterSeq: 2, limit: 10, viewerId: alice.id });
    expect(first).toMatchObject({ hasMore: false, throughSeq: after.seq });
    expect(first.events.map((e) => e.seq)).toEqual([after.seq]);
    const paged = await eventsAfter(db, { conversationId, afterSeq: 0, limit: 2, viewerId: alice.id });
    expect(paged).toMatchObject({ hasMore: true, throughSeq: 2 });
  });
});

describe('system messages', () => {
  it('records creation, additions, removals, leaving and renames in the log, read by their actor', async () => {
    const dave = await createTestUser(db, 'dave');
    const added = await addMembers(db, { conversationId, actorId: alice.id, userIds: [carol.id, dave.id, bob.id] });
    expect(added.added).toEqual([carol.id, dave.id]);
    const none = await addMembers(db, { conversationId, actorId: alice.id, userIds: [carol.id] });
    expect(none).toMatchObject({ added: [], events: [] });
    const renamed = await renameConversation(db, { conversationId, actorId: alice.id, title: 'the log' });
    expect((await renameConversation(db, { conversationId, actorId: alice.id, title: 'the log' })).events).toEqual([]);
    const removed = await removeMember(db, { conversationId, actorId: alice.id, userId: dave.id });
    const left = await removeMember(db, { conversationId, actorId: carol.id, userId: carol.id });
    const systems = (await allEvents()).map((e) => (e.kind === 'message_created' ? [e.actorId, e.message.kind, e.message.system] : e.kind));
    expect(systems).toEqual([
      [alice.id, 'system', { action: 'group_created', title: 'log' }],
      [alice.id, 'system', { action: 'members_added', users: [{ id: carol.id, displayName: carol.displayName }, { id: dave.id, displayName: dave.displayName }] }],
      [alice.id, 'system', { action: 'renamed', title: 'the log' }],
      [alice.id, 'system', { action: 'member_removed', user: { id: dave.id, displayName: dave.displayName } }],
      [carol.id, 'system', { action: 'member_left' }],
    ]);
    expect(renamed.events[0]?.seq).toBe(3);
    expect(removed.events[0]?.message.senderId).toBe(alice.id);
    expect(left.events[0]?.seq).toBe(5);
    // Nobody has unread messages: system messages never count.
    expect((await getConversation(db, conversationId, bob.id)).unreadCount).toBe(0);
    await expect(getConversation(db, conversationId, carol.id)).rejects.toMatchObject({ code: 'not_member' });
  });
});

describe('unread counts', () => {
  it('count messages from others only: never edits, reactions, system messages or deleted ones', async () => {
    // Bob's own message marks everything before it read; what comes after is new.
    await say(alice, 'zero');
    await say(bob, 'mine');
    const a = await say(alice, 'one');
    await say(alice, 'two');
    const three = await say(alice, 'three');
    await act(alice, { kind: 'edit', messageId: a.id, body: 'one!' });
    await act(alice, { kind: 'react', messageId: a.id, emoji: '👍', action: 'add' });
    await act(alice, { kind: 'delete', messageId: three.id });
    await renameConversation(db, { conversationId, actorId: alice.id, title: 'renamed' });
    const renamed = await getConversation(db, conversationId, bob.id);
    expect(renamed).toMatchObject({ unreadCount: 2, unreadMentionCount: 0 });
    expect(renamed.lastMessage).toMatchObject({ kind: 'system', system: { action: 'renamed', title: 'renamed' } });
    // A mention of Bob counts as unread, and as an unread mention.
    await say(alice, `ping @${bob.handle}`);
    expect(await getConversation(db, conversationId, bob.id)).toMatchObject({ unreadCount: 3, unreadMentionCount: 1 });
  });
});

describe('mentions', () => {
  it('resolve @handles of members only, case-insensitively, and not e-mail addresses', async () => {
    const message = await say(
      alice,
      `@${bob.handle.toUpperCase()} and @${carol.handle} (not a member) and me@${bob.handle}.org and @${bob.handle} again`,
    );
    expect(message.mentions).toEqual([bob.id]);
  });
});

describe('group roles', () => {
  it('make the creator owner, let owners and admins manage, members only leave, and never leave a group without an owner', async () => {
    const dave = await createTestUser(db, 'dave');
    // alice created the group (owner); bob is a member.
    const refused = async (attempt: Promise<unknown>, code: string, message?: RegExp) => {
      const error = await attempt.then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ code });
      if (message) expect((error as Error).message).toMatch(message);
    };
    await refused(addMembers(db, { conversationId, actorId: bob.id, userIds: [carol.id] }), 'forbidden', /owners and admins/);
    await refused(renameConversation(db, { conversationId, actorId: bob.id, title: 'mine now' }), 'forbidden');
    await refused(removeMember(db, { conversationId, actorId: bob.id, userId: alice.id }), 'forbidden');
    await refused(setMemberRole(db, { conversationId, actorId: bob.id, userId: bob.id, role: 'owner' }), 'forbidden');

    await addMembers(db, { conversationId, actorId: alice.id, userIds: [carol.id, dave.id] });
    const promoted = await setMemberRole(db, { conversationId, actorId: alice.id, userId: bob.id, role: 'admin' });
    expect(promoted.events[0]?.message.system).toEqual({ action: 'role_changed', user: { id: bob.id, displayName: bob.displayName }, role: 'admin' });
    expect((await setMemberRole(db, { conversationId, actorId: alice.id, userId: bob.id, role: 'admin' })).events).toEqual([]);
    // An admin manages members and admins, never owners.
    await setMemberRole(db, { conversationId, actorId: bob.id, userId: carol.id, role: 'admin' });
    await refused(setMemberRole(db, { conversationId, actorId: bob.id, userId: dave.id, role: 'owner' }), 'forbidden', /owner/);
    await refused(removeMember(db, { conversationId, actorId: bob.id, userId: alice.id }), 'forbidden', /owner/);
    await removeMember(db, { conversationId, actorId: bob.id, userId: carol.id });
    await renameConversation(db, { conversationId, actorId: bob.id, title: 'renamed by an admin' });

    // The last owner cannot leave, nor be demoted, while others remain; a second owner frees them.
    await refused(removeMember(db, { conversationId, actorId: alice.id, userId: alice.id }), 'conflict', /owner before you leave/);
    await refused(setMemberRole(db, { conversationId, actorId: alice.id, userId: alice.id, role: 'member' }), 'conflict');
    await setMemberRole(db, { conversationId, actorId: alice.id, userId: dave.id, role: 'owner' });
    await removeMember(db, { conversationId, actorId: alice.id, userId: alice.id });
    await removeMember(db, { conversationId, actorId: bob.id, userId: bob.id });

    const summary = await getConversation(db, conversationId, dave.id);
    expect(summary.members.map((m) => [m.id, m.role])).toEqual([[dave.id, 'owner']]);
    // The owner, alone, may leave.
    await removeMember(db, { conversationId, actorId: dave.id, userId: dave.id });
    const roles = (await allEvents()).flatMap((e) => (e.kind === 'message_created' && e.message.system?.action === 'role_changed' ? [e.message.system.role] : []));
    expect(roles).toEqual(['admin', 'admin', 'owner']);
  });

  it('give every existing group an owner when the roles arrive', async () => {
    // The migration's rule, replayed: a group whose creator has left gets its oldest member.
    await db.pool.query(`UPDATE members SET role = 'member' WHERE conversation_id = $1`, [conversationId]);
    await db.pool.query(`DELETE FROM members WHERE conversation_id = $1 AND user_id = $2`, [conversationId, alice.id]);
    const migration = readFileSync(join(defaultMigrationsDir(), readdirSync(defaultMigrationsDir()).find((d) => d.endsWith('_member_roles'))!, 'migration.sql'), 'utf8');
    const backfill = migration.slice(migration.indexOf('-- Every existing group'));
    await db.pool.query(backfill);
    expect((await getConversation(db, conversationId, bob.id)).members.map((m) => [m.id, m.role])).toEqual([[bob.id, 'owner']]);
  });
});
