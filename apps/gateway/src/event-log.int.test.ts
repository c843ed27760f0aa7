import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAckFrame, Message } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { act, ackedMessage, newClientId, nextMessage, syncLog, type ActionFrame, type TestSocket } from './testing/ws-client.ts';

let h: Harness;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let conversationId: string;

beforeAll(async () => {
  h = await startHarness();
  [alice, bob, carol] = await Promise.all([h.signUp('alice'), h.signUp('bob'), h.signUp('carol')]);
  const group = await h.trpc<{ conversationId: string }>(
    'conversations.createGroup',
    { title: 'Events', memberIds: [bob.user.id] },
    { cookie: alice.cookie },
  );
  conversationId = group.data!.conversationId;
});
afterAll(() => h?.close());

/** The ack of an action that must succeed. */
async function ack(socket: TestSocket, frame: ActionFrame): Promise<ChatAckFrame> {
  const answer = await act(socket, frame);
  if (answer.type === 'error') throw new Error(`${frame.type} refused: ${answer.code} ${answer.message}`);
  return answer;
}
const say = async (socket: TestSocket, body: string, extra: { replyTo?: string } = {}) =>
  ackedMessage(await ack(socket, { type: 'chat_send', conversationId, body, ...extra }));
const sync = (socket: TestSocket, afterSeq = 0) => syncLog(socket, conversationId, afterSeq, 4);

async function history(user: TestUser): Promise<{ messages: Message[]; throughSeq: number }> {
  const res = await h.trpc<{ messages: Message[]; throughSeq: number }>(
    'messages.history',
    { conversationId, limit: 100 },
    { cookie: user.cookie, method: 'GET' },
  );
  return res.data!;
}

const liveEvents = (socket: TestSocket) =>
  socket.frames.flatMap((f) => (f.type === 'chat_event' && f.event.conversationId === conversationId ? [f.event] : []));

describe('the conversation event log over the socket', () => {
  it('edits, deletes and reactions from two users reach every socket once, in seq order, and converge with history', async () => {
    const a = await h.connect(alice);
    const a2 = await h.connect(alice);
    const b = await h.connect(bob);
    const first = await say(a, 'Hello, wrld');
    const reply = await say(b, 'hi!', { replyTo: first.id });
    expect(reply.replyTo).toMatchObject({ messageId: first.id, seq: first.seq, senderId: alice.user.id, excerpt: 'Hello, wrld' });

    const edit = await ack(a, { type: 'chat_edit', conversationId, messageId: first.id, body: `Hello, world @${bob.user.handle}` });
    expect(edit.event).toMatchObject({ kind: 'message_edited', seq: reply.seq + 1, messageId: first.id, mentions: [bob.user.id] });
    await Promise.all([
      ack(a, { type: 'chat_react', conversationId, messageId: reply.id, emoji: '👍', action: 'add' }),
      ack(b, { type: 'chat_react', conversationId, messageId: reply.id, emoji: '👍', action: 'add' }),
      ack(b, { type: 'chat_react', conversationId, messageId: first.id, emoji: '🎉', action: 'add' }),
    ]);
    await ack(b, { type: 'chat_react', conversationId, messageId: reply.id, emoji: '👍', action: 'remove' });
    const gone = await ack(b, { type: 'chat_delete', conversationId, messageId: reply.id });
    const last = gone.event!.seq;

    // Every socket of every member, the acting ones included, got every event live, in order.
    for (const socket of [a, a2, b]) {
      await socket.next('chat_event', (f) => f.event.seq === last);
      const seqs = liveEvents(socket).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: last - first.seq + 1 }, (_, i) => first.seq + i));
    }
    expect(liveEvents(a2).map((e) => e.kind)).toEqual([
      'message_created', 'message_created', 'message_edited', 'reaction_added', 'reaction_added', 'reaction_added',
      'reaction_removed', 'message_deleted',
    ]);

    const { messages, throughSeq } = await history(bob);
    expect(throughSeq).toBe(last);
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(first.id)).toMatchObject({
      body: `Hello, world @${bob.user.handle}`,
      mentions: [bob.user.id],
      reactions: [{ emoji: '🎉', userIds: [bob.user.id] }],
    });
    expect(byId.get(reply.id)).toMatchObject({ body: '', reactions: [], editedAt: null });
    expect(byId.get(reply.id)?.deletedAt).not.toBeNull();

    // A device that was away resumes from any point and gets exactly the events after it.
    const resumed = await sync(b, first.seq);
    expect(resumed.throughSeq).toBe(last);
    expect(resumed.events.map((e) => e.seq)).toEqual(liveEvents(a2).map((e) => e.seq).filter((s) => s > first.seq));
    // A message read later comes in its current state: the deleted reply is a tombstone.
    const created = resumed.events.find((e) => e.kind === 'message_created' && e.message.id === reply.id);
    expect(created).toMatchObject({ message: { body: '', deletedAt: expect.any(String) } });
  });

  it('answers a retried action with the original event and publishes it again, never storing it twice', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const message = await say(a, 'react twice');
    const id = newClientId();
    const first = await ack(b, { type: 'chat_react', conversationId, messageId: message.id, emoji: '🔥', action: 'add', clientId: id });
    const again = await ack(b, { type: 'chat_react', conversationId, messageId: message.id, emoji: '🔥', action: 'add', clientId: id });
    expect(again).toEqual({ ...first, duplicate: true });
    // The retry's publish is what heals a publish lost between commit and fan-out.
    await a.next('chat_event', (f) => f.event.seq === first.event!.seq && liveEvents(a).filter((e) => e.seq === first.event!.seq).length === 2);
    // Reacting again with a new clientId changes nothing and writes nothing.
    const noop = await ack(b, { type: 'chat_react', conversationId, messageId: message.id, emoji: '🔥', action: 'add' });
    expect(noop.event).toBeUndefined();
    expect((await sync(b, message.seq)).events.map((e) => e.kind)).toEqual(['reaction_added']);
  });

  it('refuses with a clear error naming the request, stores nothing, and leaks nothing to outsiders', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const c = await h.connect(carol);
    const mine = await say(a, "alice's");
    const { throughSeq: before } = await sync(a);
    const refusals: Array<[TestSocket, ActionFrame, string]> = [
      [b, { type: 'chat_edit', conversationId, messageId: mine.id, body: 'hijack' }, 'forbidden'],
      [b, { type: 'chat_delete', conversationId, messageId: mine.id }, 'forbidden'],
      [c, { type: 'chat_react', conversationId, messageId: mine.id, emoji: '👍', action: 'add' }, 'not_member'],
      [c, { type: 'chat_edit', conversationId, messageId: mine.id, body: 'x' }, 'not_member'],
      [a, { type: 'chat_react', conversationId, messageId: crypto.randomUUID(), emoji: '👍', action: 'add' }, 'not_found'],
      [a, { type: 'chat_send', conversationId, body: 're', replyTo: crypto.randomUUID() }, 'not_found'],
      // Bad input is refused at the edge, before anything runs.
      [a, { type: 'chat_edit', conversationId, messageId: mine.id, body: '   ' }, 'bad_frame'],
      [a, { type: 'chat_react', conversationId, messageId: mine.id, emoji: 'lol', action: 'add' }, 'bad_frame'],
      [a, { type: 'chat_react', conversationId, messageId: mine.id, emoji: '👍👍', action: 'add' }, 'bad_frame'],
      [a, { type: 'chat_send', conversationId, body: 'nul \u0000 byte' }, 'bad_frame'],
      [a, { type: 'chat_send', conversationId, body: 'half \ud83d surrogate' }, 'bad_frame'],
    ];
    for (const [socket, frame, code] of refusals) {
      const answer = await act(socket, frame);
      expect(answer, `${frame.type} -> ${code}`).toMatchObject({ type: 'error', code, retryable: false });
    }
    expect((await sync(a)).throughSeq).toBe(before);
    // Carol, an outsider, saw nothing of this conversation.
    expect(c.frames.some((f) => f.type === 'chat_event' && f.event.conversationId === conversationId)).toBe(false);
    // The sockets still work.
    expect((await say(a, 'still fine')).seq).toBe(before + 1);
  });

  it('puts renames and membership changes in the log, live to every member', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    // A member may not rename; once the owner makes Bob an admin, he may.
    const refused = await h.trpc('conversations.rename', { conversationId, title: 'Renamed' }, { cookie: bob.cookie });
    expect(refused).toMatchObject({ status: 403, error: { data: { appCode: 'forbidden' } } });
    expect((await h.trpc('conversations.setRole', { conversationId, userId: bob.user.id, role: 'admin' }, { cookie: alice.cookie })).status).toBe(200);
    await nextMessage(b, (m) => m.system?.action === 'role_changed');
    const renamed = await h.trpc('conversations.rename', { conversationId, title: 'Renamed' }, { cookie: bob.cookie });
    expect(renamed.status).toBe(200);
    const event = await nextMessage(a, (m) => m.kind === 'system' && m.system?.action === 'renamed');
    expect(event).toMatchObject({ senderId: bob.user.id, system: { action: 'renamed', title: 'Renamed' } });
    await h.trpc('conversations.addMembers', { conversationId, userIds: [carol.user.id] }, { cookie: alice.cookie });
    await nextMessage(b, (m) => m.system?.action === 'members_added');
    const summary = await h.trpc<{ title: string; unreadCount: number }>('conversations.get', { conversationId }, { cookie: bob.cookie, method: 'GET' });
    expect(summary.data).toMatchObject({ title: 'Renamed' });
    const bad = await h.trpc('conversations.rename', { conversationId, title: '   ' }, { cookie: bob.cookie });
    expect(bad.status).toBe(400);
  });
});
