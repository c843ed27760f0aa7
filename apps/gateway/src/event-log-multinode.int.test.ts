import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldEvent, mapFoldTarget, type ChatAckFrame, type ConversationEvent, type Message } from '@parley/protocol';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { sharedRedisScope } from './testing/redis-scope.ts';
import { startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { signUpUser, trpcCall, type TestUser } from './testing/http-client.ts';
import {
  act,
  ackedMessage,
  liveLog,
  newClientId,
  openReadySocket,
  syncLog,
  type ActionFrame,
  type TestSocket,
} from './testing/ws-client.ts';

// The event log across two real gateway processes sharing Postgres and Redis: concurrent
// actions converge everywhere, and a node killed mid-stream loses no acknowledged action.
const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL && process.env.CI === 'true') throw new Error('TEST_REDIS_URL must be set in CI (multi-node tests need Redis)');
if (!REDIS_URL) console.warn('event-log-multinode.int.test.ts skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379 to run it');

let database: TestDatabase;
const redisScope = sharedRedisScope(REDIS_URL ?? 'redis://127.0.0.1:1');
const nodes: NodeProcess[] = [];

async function startNode(id: number): Promise<NodeProcess> {
  const node = await startNodeProcess({ DATABASE_URL: database.databaseUrl, REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: redisScope.keyPrefix, NODE_ID: `log-node-${id}-${process.pid}` });
  nodes.push(node);
  return node;
}

const connect = (node: NodeProcess, user: TestUser) =>
  openReadySocket(`ws://localhost:${node.port}/ws`, { cookie: user.cookie, origin: `http://localhost:${node.port}` });

function fold(events: readonly ConversationEvent[]): Map<number, Message> {
  const target = mapFoldTarget();
  for (const event of events) foldEvent(target, event);
  return target.messages;
}

/** The ack of an action that must succeed; `rate_limited` is retried after `retryAfterMs`, as a client does. */
async function acked(socket: TestSocket, frame: ActionFrame): Promise<ChatAckFrame> {
  const clientId = frame.clientId ?? newClientId();
  for (;;) {
    const answer = await act(socket, { ...frame, clientId }, 20_000);
    if (answer.type === 'chat_ack') return answer;
    if (answer.code !== 'rate_limited') throw new Error(`${frame.type} refused: ${answer.code} ${answer.message}`);
    await new Promise((resolve) => setTimeout(resolve, answer.retryAfterMs ?? 100));
  }
}

describe.skipIf(!REDIS_URL)('the conversation log on two gateway nodes', () => {
  let node1: NodeProcess;
  let node2: NodeProcess;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    database = await createTestDatabase();
    [node1, node2] = await Promise.all([startNode(1), startNode(2)]);
    alice = await signUpUser(`http://localhost:${node1.port}`, 'alice');
    bob = await signUpUser(`http://localhost:${node1.port}`, 'bob');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await database?.drop();
    await redisScope.clear();
  });

  async function newGroup(): Promise<string> {
    const created = await trpcCall<{ conversationId: string }>(
      `http://localhost:${node1.port}`,
      'conversations.createGroup',
      { title: 'Two nodes', memberIds: [bob.user.id] },
      { cookie: alice.cookie },
    );
    return created.data!.conversationId;
  }

  it('converges on every socket, live and after resuming from any seq, under concurrent actions from two users on two nodes', async () => {
    const conversationId = await newGroup();
    // Each user on both nodes: every event crosses Redis to reach someone.
    const [a1, a2, b1, b2] = await Promise.all([connect(node1, alice), connect(node2, alice), connect(node2, bob), connect(node1, bob)]);
    const sockets = [a1, a2, b1, b2];
    const say = async (socket: TestSocket, body: string, replyTo?: string) =>
      ackedMessage(await acked(socket, { type: 'chat_send', conversationId, body, ...(replyTo ? { replyTo } : {}) }));
    const aliceSaid = await Promise.all(['a-one', 'a-two', 'a-three'].map((b) => say(a1, b)));
    const bobSaid = await Promise.all(['b-one', 'b-two', 'b-three'].map((b) => say(b1, b)));
    const all = [...aliceSaid, ...bobSaid];
    const emoji = ['👍', '🎉', '❤️'];

    // One burst: both devices of both users send, reply, edit, delete and react at once, and
    // retry some actions (same clientId) on their other node.
    const retried = newClientId('retry');
    const burst: Array<Promise<unknown>> = [];
    // Reacting to the message deleted in the same burst may come after its deletion: refused.
    const react = (socket: TestSocket, frame: ActionFrame) =>
      acked(socket, frame).catch((error: Error) => {
        if (!/conflict The message was deleted/.test(error.message)) throw error;
      });
    all.forEach((message, i) => {
      for (const [k, socket] of sockets.entries()) {
        burst.push(react(socket, { type: 'chat_react', conversationId, messageId: message.id, emoji: emoji[(i + k) % 3]!, action: 'add' }));
      }
      if (i % 2 === 0) burst.push(react(b2, { type: 'chat_react', conversationId, messageId: message.id, emoji: emoji[i % 3]!, action: 'remove' }));
    });
    burst.push(acked(a2, { type: 'chat_edit', conversationId, messageId: aliceSaid[0]!.id, body: 'a-one, edited on node 2' }));
    burst.push(acked(a1, { type: 'chat_edit', conversationId, messageId: aliceSaid[0]!.id, body: 'a-one, edited on node 1' }));
    burst.push(acked(b2, { type: 'chat_delete', conversationId, messageId: bobSaid[1]!.id }));
    burst.push(acked(b1, { type: 'chat_edit', conversationId, messageId: bobSaid[1]!.id, body: 'too late?' }).catch((e: Error) => e));
    burst.push(say(a2, 'a reply from node 2', bobSaid[0]!.id), say(b2, 'b reply from node 1', aliceSaid[2]!.id));
    const retryFrame: ActionFrame = { type: 'chat_send', conversationId, body: 'sent twice, stored once', clientId: retried };
    const [firstTry, secondTry] = await Promise.all([acked(a1, retryFrame), acked(a2, retryFrame), ...burst]);

    expect(ackedMessage(firstTry as ChatAckFrame).id).toBe(ackedMessage(secondTry as ChatAckFrame).id);
    expect([(firstTry as ChatAckFrame).duplicate, (secondTry as ChatAckFrame).duplicate].sort()).toEqual([false, true]);

    const { events, throughSeq } = await syncLog(a1, conversationId);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: throughSeq }, (_, i) => i + 1));
    const history = await trpcCall<{ messages: Message[]; throughSeq: number }>(
      `http://localhost:${node2.port}`,
      'messages.history',
      { conversationId, limit: 100 },
      { cookie: bob.cookie, method: 'GET' },
    );
    expect(history.data!.throughSeq).toBe(throughSeq);
    const current = new Map(history.data!.messages.map((m) => [m.seq, m]));
    expect(current.get(aliceSaid[0]!.seq)?.body).toMatch(/^a-one, edited on node [12]$/);
    expect(current.get(bobSaid[1]!.seq)?.deletedAt).not.toBeNull();
    expect([...current.values()].filter((m) => m.clientId === retried)).toHaveLength(1);

    for (const socket of sockets) {
      // Every event after the socket connected arrived live, and the live fold is history's state.
      await socket.next('chat_event', (f) => f.event.conversationId === conversationId && f.event.seq === throughSeq, 20_000);
      const live = liveLog(socket, conversationId);
      const firstLive = live[0]!.seq;
      expect(live.map((e) => e.seq)).toEqual(Array.from({ length: throughSeq - firstLive + 1 }, (_, i) => firstLive + i));
      const folded = fold([...events.filter((e) => e.seq < firstLive), ...live]);
      for (const [seq, message] of current) expect(folded.get(seq), `live fold, seq ${seq}`).toEqual(message);
      // A device that held the log up to any point and resumed from there converges too.
      for (const from of [0, firstLive, Math.floor(throughSeq / 2), throughSeq - 3]) {
        const resumed = fold([...live.filter((e) => e.seq <= from), ...events.filter((e) => e.seq <= from && e.seq < firstLive), ...(await syncLog(socket, conversationId, from, 7)).events]);
        for (const [seq, message] of current) expect(resumed.get(seq), `resumed from ${from}, seq ${seq}`).toEqual(message);
      }
    }
    for (const socket of sockets) socket.close();
  }, 120_000);

  it('loses no acknowledged action when a node is killed mid-stream, and stores none twice when the client resends', async () => {
    const conversationId = await newGroup();
    const a1 = await connect(node1, alice);
    const b2 = await connect(node2, bob);
    const target = ackedMessage(await acked(a1, { type: 'chat_send', conversationId, body: 'react to me' }));

    // Bob fires a stream of sends and reactions at node 2 without waiting (fewer than the
    // action bucket's 30, so none is rate-limited); node 2 dies while they are in flight.
    // Alice keeps sending on node 1 meanwhile.
    const frames: ActionFrame[] = Array.from({ length: 28 }, (_, i): ActionFrame =>
      i % 4 === 3
        ? { type: 'chat_react', conversationId, messageId: target.id, emoji: ['👍', '🎉', '🔥'][i % 3]!, action: i % 8 === 3 ? 'add' : 'remove', clientId: newClientId('bob') }
        : { type: 'chat_send', conversationId, body: `bob ${i}`, clientId: newClientId('bob') },
    );
    const answered = new Map<string, ChatAckFrame>();
    for (const frame of frames) void act(b2, frame, 30_000).then((a) => a.type === 'chat_ack' && answered.set(a.clientId, a), () => undefined);
    const aliceStream = (async () => {
      for (let i = 0; i < 20; i++) await acked(a1, { type: 'chat_send', conversationId, body: `alice ${i}` });
    })();
    await new Promise<void>((resolve) => {
      const check = () => (answered.size >= 6 ? resolve() : setTimeout(check, 2));
      check();
    });
    await node2.kill9();
    await b2.closed;
    const ackedBeforeKill = new Map(answered);

    // What the SDK's outbox does: reconnect (to the surviving node) and resend every action
    // that has no ack, with its same clientId; a resend of an acked one answers with the original.
    const back = await connect(node1, bob);
    const resent = new Map<string, ChatAckFrame>();
    for (const frame of frames) resent.set(frame.clientId!, await acked(back, frame));
    await aliceStream;

    for (const [clientId, before] of ackedBeforeKill) {
      const again = resent.get(clientId)!;
      // A no-op (removing a reaction Bob did not have) wrote nothing, so it is evaluated again.
      if (before.event === undefined) continue;
      expect(again.duplicate, clientId).toBe(true);
      expect(again.event, clientId).toEqual(before.event);
    }
    expect([...ackedBeforeKill.values()].filter((a) => a.event !== undefined).length).toBeGreaterThan(0);
    const { events } = await syncLog(back, conversationId);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    const sends = events.flatMap((e) => (e.kind === 'message_created' && e.message.senderId === bob.user.id ? [e.message] : []));
    const sentIds = frames.filter((f) => f.type === 'chat_send').map((f) => f.clientId);
    expect(sends.map((m) => m.clientId).sort()).toEqual([...sentIds].sort());
    // Bob's sends are stored in the order he made them, each once.
    expect(sends.map((m) => m.body)).toEqual(frames.flatMap((f) => (f.type === 'chat_send' ? [f.body] : [])));
    // Every acknowledged event is in the log at its seq.
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    for (const ack of resent.values()) if (ack.event) expect(bySeq.get(ack.event.seq)).toEqual(ack.event);
    expect(events.filter((e) => e.kind === 'message_created' && e.message.kind === 'text' && e.message.senderId === alice.user.id)).toHaveLength(21);
    back.close();
    a1.close();
    node2 = await startNode(2);
  }, 120_000);
});
