import type { Message, PublicUser } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createGroupConversation } from '../repos/conversations.ts';
import { getConversation } from '../repos/conversation-summaries.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { commitBatch } from './commit-batch.ts';
import { createMessageWriter, type MessageWriter, type SubmitResult } from './message-writer.ts';

const SENDERS = 20;
const MESSAGES_PER_SENDER = 10;

let testDb: TestDatabase;
let db: Db;
let users: PublicUser[];
let conversationId: string;
let writer: MessageWriter;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  users = [];
  for (let i = 0; i < SENDERS; i++) users.push(await createTestUser(db, 'w'));
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  const [creator, ...rest] = users;
  if (!creator) throw new Error('fixture');
  ({ conversationId } = await createGroupConversation(db, { creatorId: creator.id, title: 'w', memberIds: rest.map((u) => u.id) }));
  writer = createMessageWriter(db);
});
afterEach(() => writer.close());

/** The seqs of the conversation's text and call messages (seq 1 is the group's `group_created`). */
const seqRows = async (cid: string) =>
  (await db.prisma.message.findMany({ where: { conversationId: cid, kind: { not: 'system' } }, orderBy: { seq: 'asc' } })).map((m) =>
    Number(m.seq),
  );
/** seq n of the messages sent in a test: after the group's `group_created` message at seq 1. */
const nth = (n: number) => n + 1;
const range = (count: number) => Array.from({ length: count }, (_, i) => nth(i + 1));

function messageOf(result: SubmitResult | undefined): Message {
  if (result?.event.kind !== 'message_created') throw new Error(`expected a message_created event, got ${result?.event.kind}`);
  return result.event.message;
}

describe('message writer', () => {
  it('gives concurrent senders a gapless seq 1..total, in each sender order', async () => {
    const results = await Promise.all(
      users.map(async (user) => {
        const seqs: number[] = [];
        for (let i = 0; i < MESSAGES_PER_SENDER; i++) {
          const message = messageOf(await writer.submit({ senderId: user.id, conversationId, clientId: testClientId(), body: `${i}` }));
          seqs.push(message.seq);
        }
        return seqs;
      }),
    );
    const total = SENDERS * MESSAGES_PER_SENDER;
    const all = results.flat().sort((a, b) => a - b);
    expect(all).toEqual(range(total));
    for (const seqs of results) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await seqRows(conversationId)).toEqual(all);
    const conversation = await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(Number(conversation.lastSeq)).toBe(nth(total));
  });

  it('answers a retried clientId with the original message and stores one row', async () => {
    const sender = users[1] as PublicUser;
    const clientId = testClientId();
    const first = await writer.submit({ senderId: sender.id, conversationId, clientId, body: 'hello' });
    const retry = await writer.submit({ senderId: sender.id, conversationId, clientId, body: 'hello' });
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ event: first.event, duplicate: true });

    // The same clientId twice within one batch is stored once too.
    const twin = testClientId();
    const [a, b] = await Promise.all([
      writer.submit({ senderId: sender.id, conversationId, clientId: twin, body: 'x' }),
      writer.submit({ senderId: sender.id, conversationId, clientId: twin, body: 'x' }),
    ]);
    expect(messageOf(a)).toEqual(messageOf(b));
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(await seqRows(conversationId)).toEqual(range(2));
  });

  it('refuses a non-member and stores nothing for them, without failing the rest of the batch', async () => {
    const outsider = await createTestUser(db, 'out');
    const member = users[2] as PublicUser;
    const [refused, accepted] = await Promise.allSettled([
      writer.submit({ senderId: outsider.id, conversationId, clientId: testClientId(), body: 'let me in' }),
      writer.submit({ senderId: member.id, conversationId, clientId: testClientId(), body: 'hi' }),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'not_member' } });
    expect(accepted).toMatchObject({ status: 'fulfilled', value: { event: { message: { seq: nth(1) } } } });
    expect(await db.prisma.message.count({ where: { senderId: outsider.id } })).toBe(0);
    await expect(
      writer.submit({ senderId: member.id, conversationId: 'not-a-uuid', clientId: testClientId(), body: 'x' }),
    ).rejects.toMatchObject({ code: 'not_member' });
  });

  it('stores call events in the same seq as text, with their outcome, once per call', async () => {
    const sender = users[0]!;
    const call = { callId: '3f0e9a52-5c1b-4f7e-9a57-0f1c2d3e4a5b', media: 'video' as const, endReason: 'completed' as const, durationMs: 61_000 };
    const text = await writer.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: 'before the call' });
    const [first, again] = await Promise.all([
      writer.submit({ senderId: sender.id, conversationId, clientId: `call-${call.callId}`, body: '', call }),
      writer.submit({ senderId: sender.id, conversationId, clientId: `call-${call.callId}`, body: '', call }),
    ]);
    expect(messageOf(first)).toMatchObject({ kind: 'call', body: '', call, seq: messageOf(text).seq + 1 });
    expect(messageOf(again).id).toBe(messageOf(first).id);
    expect(messageOf(text).kind).toBe('text');
    expect(messageOf(text).call).toBeUndefined();
    expect(await seqRows(conversationId)).toEqual(range(2));
  });

  it('commits a burst of 100 concurrent submits in far fewer flushes than rows', async () => {
    const before = writer.stats();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        writer.submit({ senderId: (users[i % SENDERS] as PublicUser).id, conversationId, clientId: testClientId(), body: `${i}` }),
      ),
    );
    const after = writer.stats();
    expect(after.rows - before.rows).toBe(100);
    expect(after.flushes - before.flushes).toBeLessThanOrEqual(5);
    expect(await seqRows(conversationId)).toEqual(range(100));
  });

  it("advances the sender's read mark so their own message is never unread", async () => {
    const [sender, reader] = users as [PublicUser, PublicUser];
    await writer.submit({ senderId: reader.id, conversationId, clientId: testClientId(), body: 'first' });
    await writer.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: 'second' });
    expect(await getConversation(db, conversationId, sender.id)).toMatchObject({ lastSeq: nth(2), lastReadSeq: nth(2), unreadCount: 0 });
    expect(await getConversation(db, conversationId, reader.id)).toMatchObject({ lastReadSeq: nth(1), unreadCount: 1 });
  });

  it('flushes queued submits on close and refuses later ones', async () => {
    const sender = users[3] as PublicUser;
    const pending = writer.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: 'last' });
    await writer.close();
    await expect(pending).resolves.toMatchObject({ event: { message: { seq: nth(1) } } });
    await expect(
      writer.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: 'late' }),
    ).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('isolates a message the database refuses: it alone fails, not retryable, and the rest of its batch commits', async () => {
    const sender = users[4] as PublicUser;
    // A NUL character is refused by Postgres (the WS edge refuses it too; this is the writer's
    // own defence). The burst shares flushes with it, yet every other message is stored, in order.
    const burst = Array.from({ length: 20 }, (_, i) =>
      writer.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: i === 7 ? 'bad\u0000' : `ok ${i}` }),
    );
    const settled = await Promise.allSettled(burst);
    expect(settled[7]).toMatchObject({ status: 'rejected', reason: { code: 'invalid_input', retryable: false } });
    const stored = settled.filter((s) => s.status === 'fulfilled').map((s) => messageOf(s.value));
    expect(stored.map((m) => m.body)).toEqual(Array.from({ length: 20 }, (_, i) => `ok ${i}`).filter((_, i) => i !== 7));
    expect(stored.map((m) => m.seq)).toEqual(range(19));
    const next = messageOf(await writer.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: 'ok' }));
    expect(next.seq).toBe(nth(20));
  });
});

describe('message writers on two nodes', () => {
  it('share one gapless seq and resolve a clientId stored by the other node as duplicate', async () => {
    const other = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 2 });
    const second = createMessageWriter(other);
    try {
      const sender = users[5] as PublicUser;
      const clientId = testClientId();
      const outcomes = await Promise.all([
        writer.submit({ senderId: sender.id, conversationId, clientId, body: 'same' }),
        second.submit({ senderId: sender.id, conversationId, clientId, body: 'same' }),
        ...Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? writer : second).submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: `${i}` }),
        ),
      ]);
      expect(messageOf(outcomes[0]).id).toBe(messageOf(outcomes[1]).id);
      expect([outcomes[0]?.duplicate, outcomes[1]?.duplicate].sort()).toEqual([false, true]);
      expect(await seqRows(conversationId)).toEqual(range(31));
    } finally {
      await second.close();
      await other.close();
    }
  });
});

describe('message writer under contention', () => {
  /** Holds a conversation's row lock in a transaction of its own, as a stuck writer elsewhere would. */
  async function holdLock(cid: string): Promise<() => Promise<void>> {
    const client = await db.pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [cid]);
    return async () => {
      await client.query('COMMIT');
      client.release();
    };
  }
  const within = <T>(promise: Promise<T>, ms: number, what: string) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not settled within ${ms} ms`)), ms))]);

  it('commits other conversations while one is locked, and the locked one in order once it is free', async () => {
    const [creator, ...rest] = users as [PublicUser, ...PublicUser[]];
    const { conversationId: free } = await createGroupConversation(db, { creatorId: creator.id, title: 'free', memberIds: rest.map((u) => u.id) });
    const single = createMessageWriter(db, { lanes: 1 });
    const release = await holdLock(conversationId);
    try {
      const settled = new Set<string>();
      const send = (cid: string, body: string) => {
        const p = single.submit({ senderId: creator.id, conversationId: cid, clientId: testClientId(), body });
        void p.then(() => settled.add(body), () => settled.add(body));
        return p;
      };
      const [a1, b1, a2, b2] = [send(conversationId, 'a1'), send(free, 'b1'), send(conversationId, 'a2'), send(free, 'b2')];
      // One lane, one batch: the free conversation's sends are not held up by the locked one.
      await within(Promise.all([b1, b2]), 10_000, 'the free conversation');
      const a3 = send(conversationId, 'a3');
      expect([...settled].sort()).toEqual(['b1', 'b2']);
      expect(single.stats().contended).toBe(1);
      await release();
      const seqs = (await Promise.all([a1, a2, a3])).map((r) => messageOf(r).seq);
      expect(seqs).toEqual([nth(1), nth(2), nth(3)]);
      expect(single.stats().contended).toBe(0);
      // Free again: the next send takes the ordinary path.
      expect(messageOf(await single.submit({ senderId: creator.id, conversationId, clientId: testClientId(), body: 'a4' })).seq).toBe(nth(4));
    } finally {
      await release().catch(() => undefined);
      await single.close();
    }
  });

  it('checks membership after taking the lock: a member removed while their send waited is refused and gets no seq', async () => {
    const leaver = users[7] as PublicUser;
    const stay = users[8] as PublicUser;
    const before = await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    // A removal in progress: it holds the conversation's lock, as removeMember does, and drops the member.
    const removal = await db.pool.connect();
    try {
      await removal.query('BEGIN');
      await removal.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
      await removal.query('DELETE FROM members WHERE conversation_id = $1 AND user_id = $2', [conversationId, leaver.id]);
      const sending = commitBatch(
        db,
        [
          { senderId: leaver.id, conversationId, clientId: testClientId(), body: 'after my removal' },
          { senderId: stay.id, conversationId, clientId: testClientId(), body: 'still here' },
        ],
        { lock: 'wait' },
      );
      // The batch's first statement (clientIds and locks) is waiting for the removal's lock.
      await new Promise<void>((resolve) => {
        const check = () =>
          void db.pool
            .query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
            .then(({ rows }) => ((rows[0]?.n ?? 0) > 0 ? resolve() : setTimeout(check, 10)));
        check();
      });
      await removal.query('COMMIT');
      const { outcomes } = await sending;
      expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'not_member' } });
      expect(outcomes[1]).toMatchObject({ ok: true, duplicate: false, message: { seq: Number(before.lastSeq) + 1, body: 'still here' } });
      expect(await db.prisma.message.count({ where: { conversationId, senderId: leaver.id } })).toBe(0);
      const after = await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
      expect(Number(after.lastSeq)).toBe(Number(before.lastSeq) + 1);
    } finally {
      await removal.query('ROLLBACK').catch(() => undefined);
      removal.release();
    }
  });

  it('refuses sends past its queue bound with a retryable overloaded, storing nothing for them', async () => {
    const sender = users[6] as PublicUser;
    const bounded = createMessageWriter(db, { maxQueued: 3 });
    const release = await holdLock(conversationId);
    try {
      const waiting = Array.from({ length: 3 }, (_, i) =>
        bounded.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: `queued ${i}` }),
      );
      // The first flush takes the three, finds the conversation locked, and parks them.
      await new Promise<void>((resolve) => {
        const check = () => (bounded.stats().contended === 1 && bounded.stats().queued === 3 ? resolve() : setTimeout(check, 5));
        check();
      });
      await expect(bounded.submit({ senderId: sender.id, conversationId, clientId: testClientId(), body: 'one too many' })).rejects.toMatchObject({
        code: 'overloaded',
        retryable: true,
        details: { retryAfterMs: 1000 },
      });
      await release();
      expect((await Promise.all(waiting)).map((r) => messageOf(r).body)).toEqual(['queued 0', 'queued 1', 'queued 2']);
      expect((await seqRows(conversationId)).length).toBe(3);
    } finally {
      await release().catch(() => undefined);
      await bounded.close();
    }
  });
});
