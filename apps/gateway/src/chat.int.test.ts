import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAckFrame, ConversationEvent, Message } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { ackedMessage, liveMessages, nextMessage, type TestSocket } from './testing/ws-client.ts';

let h: Harness;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
  conversationId = opened.data!.conversationId;
});
afterAll(() => h?.close());

let clientCounter = 0;
const nextClientId = () => `client-${Date.now()}-${clientCounter++}`;

/** Sends and waits for the ack, honouring rate_limited's retryAfterMs as a real client does. */
async function sendAndAck(socket: TestSocket, body: string, clientId = nextClientId(), conv = conversationId): Promise<ChatAckFrame> {
  for (let attempt = 0; ; attempt++) {
    const seen = socket.frames.length;
    socket.send({ type: 'chat_send', clientId, conversationId: conv, body });
    const answer = await Promise.race([
      socket.next('chat_ack', (f) => f.clientId === clientId),
      socket.next('error', (f) => f.ref === clientId && socket.frames.indexOf(f) >= seen),
    ]);
    if (answer.type === 'chat_ack') return answer;
    if (answer.code !== 'rate_limited' || attempt > 20) throw new Error(`send failed: ${answer.code}`);
    await new Promise((resolve) => setTimeout(resolve, answer.retryAfterMs));
  }
}

async function history(user: TestUser, conv = conversationId): Promise<Message[]> {
  const res = await h.trpc<{ messages: Message[] }>('messages.history', { conversationId: conv, limit: 100 }, { cookie: user.cookie, method: 'GET' });
  return res.data!.messages;
}

describe('live chat over the gateway', () => {
  it('delivers messages live both ways, acked with their seq after commit', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);

    const ack = await sendAndAck(a, 'Hi Bob 👋\nsecond line');
    expect(ack.duplicate).toBe(false);
    expect(ack.event).toMatchObject({ kind: 'message_created', seq: 1, actorId: alice.user.id, conversationId });
    // Acked means committed: the message is already readable through the API.
    expect((await history(bob)).map((m) => m.body)).toContain('Hi Bob 👋\nsecond line');
    const atBob = await nextMessage(b, (m) => m.seq === 1);
    expect(atBob).toEqual(ackedMessage(ack));

    const reply = await sendAndAck(b, 'Hello Alice');
    expect(ackedMessage(reply).seq).toBe(2);
    const atAlice = await nextMessage(a, (m) => m.seq === 2);
    expect(atAlice.body).toBe('Hello Alice');
    expect(atAlice.senderId).toBe(bob.user.id);
  });

  it('returns the original message for a retried clientId and stores one row', async () => {
    const a = await h.connect(alice);
    const clientId = nextClientId();
    const first = await sendAndAck(a, 'only once', clientId);
    const again = await h.connect(alice);
    const second = await sendAndAck(again, 'only once', clientId);
    expect(second.duplicate).toBe(true);
    expect(second.event).toEqual(first.event);
    const rows = (await history(alice)).filter((m) => m.clientId === clientId);
    expect(rows).toHaveLength(1);
  });

  it('refuses a non-member: error frame, nothing stored, socket still usable', async () => {
    const mallory = await h.signUp('mallory');
    const m = await h.connect(mallory);
    const before = (await history(alice)).length;
    const clientId = nextClientId();
    m.send({ type: 'chat_send', clientId, conversationId, body: 'let me in' });
    const error = await m.next('error', (f) => f.ref === clientId);
    expect(error.code).toBe('not_member');
    m.send({ type: 'chat_sync', conversationId, afterSeq: 0 });
    expect((await m.next('error', (f) => f.ref === 'chat_sync')).code).toBe('not_member');
    m.send({ type: 'chat_read', conversationId, seq: 1 });
    expect((await m.next('error', (f) => f.ref === 'chat_read')).code).toBe('not_member');
    expect(await history(alice)).toHaveLength(before);
    // The history API refuses too.
    const res = await h.trpc('messages.history', { conversationId }, { cookie: mallory.cookie, method: 'GET' });
    expect(res.status).toBe(403);
    m.send({ type: 'ping', nonce: 'still-here' });
    expect((await m.next('pong')).nonce).toBe('still-here');
  });

  it('gives a client that was offline during 50 messages all 50 exactly once, in order', async () => {
    const b = await h.connect(bob);
    const last = (await history(bob)).at(-1)?.seq ?? 0;
    b.close();
    await b.closed;

    const a = await h.connect(alice);
    const sent: number[] = [];
    for (let i = 0; i < 50; i++) sent.push(ackedMessage(await sendAndAck(a, `offline ${i}`)).seq);

    const back = await h.connect(bob);
    const received: ConversationEvent[] = [];
    let after = last;
    for (;;) {
      back.send({ type: 'chat_sync', conversationId, afterSeq: after, limit: 20 });
      const page = await back.next('chat_sync_result', (f) => f.afterSeq === after);
      received.push(...page.events);
      after = page.throughSeq;
      if (!page.hasMore) break;
    }
    expect(after).toBe(sent.at(-1));
    expect(received.map((e) => e.seq)).toEqual(sent);
    expect(received.map((e) => (e.kind === 'message_created' ? e.message.body : e.kind))).toEqual(sent.map((_, i) => `offline ${i}`));
  });

  it('commits 20 concurrent senders with gapless seq, and every client sees the same order', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => h.signUp(`sender${i}`)));
    const group = await h.trpc<{ conversationId: string }>(
      'conversations.createGroup',
      { title: 'Twenty', memberIds: users.slice(1).map((u) => u.user.id) },
      { cookie: users[0]!.cookie },
    );
    const conv = group.data!.conversationId;
    const sockets = await Promise.all(users.map((u) => h.connect(u)));
    const PER_SENDER = 5;
    const acks = await Promise.all(
      sockets.flatMap((s, i) => Array.from({ length: PER_SENDER }, (_, j) => sendAndAck(s, `u${i} m${j}`, nextClientId(), conv))),
    );
    const total = 20 * PER_SENDER;
    // seq 1 is the group's "created" system message.
    expect(acks.map((a) => ackedMessage(a).seq).sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 2));

    const seen = await Promise.all(
      sockets.map(async (s) => {
        await nextMessage(s, (m) => m.conversationId === conv && m.seq === total + 1);
        return liveMessages(s).flatMap((m) => (m.conversationId === conv && m.kind === 'text' ? [m.id] : []));
      }),
    );
    // Live fan-out from one node preserves commit order: every socket saw the same sequence.
    for (const order of seen) expect(order).toEqual(seen[0]);
    expect(seen[0]).toHaveLength(total);
  });

  it('keeps history across a gateway restart', async () => {
    const before = await history(alice);
    await h.restart();
    const after = await history(alice);
    expect(after).toEqual(before);
    const a = await h.connect(alice);
    const ack = await sendAndAck(a, 'after restart');
    expect(ackedMessage(ack).seq).toBe(before.at(-1)!.seq + 1);
  });
});
