import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, errorFrame, type ChatEventFrame, type ChatSendFrame, type Message } from '@parley/protocol';
import { createParleyClient, type ParleyClient, type ParleyClientOptions } from './client.ts';
import { ConversationTimeline } from './timeline.ts';
import type { ClientStatus, ClosedInfo } from './connection.ts';
import type { ParleyClientError } from './errors.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import { startFakeGateway, type FakeGateway, type FakeGatewayOptions } from './testing/fake-server.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B } from './testing/messages.ts';
import { sleep, waitFor } from './testing/wait-for.ts';

const FAST_RECONNECT = { nextDelayMs: () => 20 };

let gateway: FakeGateway | undefined;
let client: ParleyClient | undefined;

afterEach(async () => {
  client?.close();
  await gateway?.close();
  client = gateway = undefined;
});

async function setup(clientOptions: Partial<ParleyClientOptions> = {}, gatewayOptions: FakeGatewayOptions = {}) {
  gateway = await startFakeGateway(gatewayOptions);
  client = createParleyClient({
    url: gateway.url,
    WebSocket,
    webSocketOptions: { headers: { cookie: 'parley_session=good' } },
    clientName: 'int-test',
    reconnect: FAST_RECONNECT,
    ...clientOptions,
  });
  const events = {
    statuses: [] as ClientStatus[],
    messages: [] as Message[],
    states: [] as OutboxEntry[],
    errors: [] as ParleyClientError[],
    closed: [] as ClosedInfo[],
  };
  client.on('status', (s) => events.statuses.push(s));
  client.on('event', (e) => {
    if (e.kind === 'message_created') events.messages.push(e.message);
  });
  client.on('send_state', (e) => events.states.push(e));
  client.on('error', (e) => events.errors.push(e));
  client.on('closed', (c) => events.closed.push(c));
  return { gateway, client, ...events };
}

const sendsOf = (g: FakeGateway): ChatSendFrame[] =>
  g.received.filter((f): f is ChatSendFrame => f.type === 'chat_send');
const seqsOf = (messages: Message[], conversationId = A): number[] =>
  messages.filter((m) => m.conversationId === conversationId).map((m) => m.seq);

describe('ParleyClient against a real socket', () => {
  it('completes the hello handshake', async () => {
    const t = await setup();
    const ready = new Promise((resolve) => t.client.on('ready', resolve));
    t.client.connect();
    await ready;
    expect(t.client.status).toBe('open');
    expect(t.client.user).toEqual(t.gateway.user);
    expect(t.gateway.received[0]).toEqual({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'int-test' });
    expect(t.statuses).toEqual(['connecting', 'open']);
  });

  it('reconnects with backoff after an abrupt drop', async () => {
    const attempts: number[] = [];
    const t = await setup({ reconnect: { nextDelayMs: (a) => (attempts.push(a), 30) } });
    t.client.connect();
    await waitFor(() => t.client.status === 'open', 'open');
    t.gateway.accepting = false;
    t.gateway.terminateAll();
    await waitFor(() => t.gateway.connectionCount >= 3, 'two refused retries');
    expect(t.client.status).toBe('reconnecting');
    t.gateway.accepting = true;
    await waitFor(() => t.client.status === 'open', 'open again');
    expect(t.closed[0]).toMatchObject({ code: 1006, willReconnect: true });
    expect(attempts.slice(0, 3)).toEqual([0, 1, 2]);
    expect(t.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('does not reconnect after 4001', async () => {
    const t = await setup({}, { authorize: (cookie) => cookie === 'parley_session=other' });
    t.client.connect();
    await waitFor(() => t.client.status === 'closed', 'closed');
    await sleep(100);
    expect(t.gateway.connectionCount).toBe(1);
    expect(t.errors.map((e) => e.reason)).toEqual(['unauthorized']);
    expect(t.closed).toMatchObject([{ code: 4001, willReconnect: false, error: { reason: 'unauthorized' } }]);
  });

  it('sends queued while offline after connecting', async () => {
    const t = await setup();
    const entry = t.client.send(A, 'written offline');
    expect(entry).toMatchObject({ state: 'waiting', reason: 'offline' });
    t.client.connect();
    await waitFor(() => t.messages.length === 1, 'delivery');
    expect(t.messages[0]).toMatchObject({ clientId: entry.clientId, body: 'written offline', seq: 1 });
    expect(t.states.at(-1)).toMatchObject({ clientId: entry.clientId, state: 'sent' });
    await sleep(30); // the fan-out copy has arrived by now and must have been dropped
    expect(t.messages).toHaveLength(1);
  });

  it('resends an unacked send after reconnect with the same clientId and delivers it once', async () => {
    const t = await setup();
    t.gateway.onSend = (_frame, attempt) => (attempt === 1 ? 'commit_silently' : 'commit');
    t.client.connect();
    await waitFor(() => t.client.status === 'open', 'open');
    const { clientId } = t.client.send(A, 'lost ack');
    await waitFor(() => sendsOf(t.gateway).length === 1, 'first attempt');
    t.gateway.terminateAll();
    await waitFor(() => t.states.at(-1)?.state === 'sent', 'ack after reconnect');
    expect(sendsOf(t.gateway).map((f) => f.clientId)).toEqual([clientId, clientId]);
    expect(t.gateway.messages(A)).toHaveLength(1);
    await sleep(30);
    expect(t.messages.map((m) => m.clientId)).toEqual([clientId]);
  });

  it('honours retryAfterMs on rate_limited', async () => {
    const t = await setup();
    const seenAt: number[] = [];
    t.gateway.onSend = (frame, attempt) => {
      seenAt.push(Date.now());
      return attempt === 1 ? errorFrame('rate_limited', { ref: frame.clientId, retryAfterMs: 200 }) : 'commit';
    };
    t.client.connect();
    t.client.send(A, 'slow down');
    await waitFor(() => t.states.at(-1)?.state === 'sent', 'sent');
    expect(seenAt).toHaveLength(2);
    expect((seenAt[1] ?? 0) - (seenAt[0] ?? 0)).toBeGreaterThanOrEqual(190);
  });

  it('fails not_member at once; retry() sends it again', async () => {
    const t = await setup();
    let member = false;
    t.gateway.onSend = (frame) => (member ? 'commit' : errorFrame('not_member', { ref: frame.clientId }));
    t.client.connect();
    const { clientId } = t.client.send(A, 'let me in');
    await waitFor(() => t.states.at(-1)?.state === 'failed', 'failed');
    expect(t.states.at(-1)?.error?.code).toBe('not_member');
    expect(t.errors).toEqual([]); // tied to a send: reported on the entry, not as an error event
    member = true;
    expect(t.client.retry(clientId)).toBe(true);
    await waitFor(() => t.states.at(-1)?.state === 'sent', 'sent');
    expect(t.messages.map((m) => m.clientId)).toEqual([clientId]);
  });

  it('drops duplicate frames and fills a gap through chat_sync, in order', async () => {
    const t = await setup();
    t.client.connect();
    t.client.track(A, 0);
    await waitFor(() => t.client.status === 'open', 'open');
    // The resume sync must be answered before the first commit: its result goes out at once,
    // so it arrives ahead of the frames below. Otherwise a late answer would carry all three
    // messages and fill the gap itself, with no chat_sync of its own.
    await waitFor(() => t.gateway.received.some((f) => f.type === 'chat_sync'), 'resume sync');
    const first = t.gateway.commit(A, 'one');
    t.gateway.broadcast({ type: 'chat_event', event: t.gateway.events(A).at(-1) as ChatEventFrame['event'] }); // duplicate copy
    expect(first.seq).toBe(1);
    t.gateway.commit(A, 'two', { fanOut: false }); // lost publish: a gap
    t.gateway.commit(A, 'three');
    await waitFor(() => t.messages.length === 3, 'three messages');
    await sleep(30);
    expect(seqsOf(t.messages)).toEqual([1, 2, 3]);
    // The gap at 2 was filled by asking for everything after the last delivered seq.
    expect(t.gateway.received).toContainEqual({ type: 'chat_sync', conversationId: A, afterSeq: 1 });
  });

  it('resumes after reconnect: 50 messages missed offline arrive exactly once, in order', async () => {
    const t = await setup({}, { syncPageSize: 20 });
    t.client.connect();
    t.client.track(A, 0);
    t.client.track(B, 0);
    await waitFor(() => t.client.status === 'open', 'open');
    t.gateway.commit(A, 'before');
    await waitFor(() => t.messages.length === 1, 'first message');
    t.gateway.accepting = false;
    t.gateway.terminateAll();
    await waitFor(() => t.client.status === 'reconnecting', 'reconnecting');
    for (let i = 0; i < 50; i += 1) t.gateway.commit(A, `missed ${i}`);
    t.gateway.commit(B, 'other conversation');
    t.gateway.accepting = true;
    await waitFor(() => t.messages.length === 52, '52 messages');
    t.gateway.commit(A, 'after'); // live fan-out continues after the resume
    await waitFor(() => t.messages.length === 53, '53 messages');
    await sleep(30);
    expect(seqsOf(t.messages)).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
    expect(seqsOf(t.messages, B)).toEqual([1]);
    expect(t.client.lastSeq(A)).toBe(52);
  });

  it('reconnects when the server goes silent (heartbeat timeout)', async () => {
    const t = await setup({ heartbeatIntervalMs: 40, livenessTimeoutMs: 100 });
    t.client.connect();
    await waitFor(() => t.client.status === 'open', 'open');
    t.gateway.respondToPings = false;
    await waitFor(() => t.closed.length === 1, 'declared dead', 1_000);
    expect(t.closed[0]).toMatchObject({ code: 4004, willReconnect: true });
    t.gateway.respondToPings = true;
    await waitFor(() => t.client.status === 'open' && t.gateway.connectionCount === 2, 'reconnected');
  });
});

describe('the event log through the SDK', () => {
  it('sends edits, deletes, reactions and replies, and folds their events into the current state', async () => {
    const t = await setup();
    t.client.connect();
    t.client.track(A, 0);
    await waitFor(() => t.client.status === 'open', 'open');
    const timeline = new ConversationTimeline(A);
    t.client.on('event', (e) => timeline.apply(e));
    const sent = t.client.send(A, 'helo');
    await waitFor(() => timeline.messages.length === 1, 'message');
    const message = timeline.messages[0] as Message;
    expect(message.clientId).toBe(sent.clientId);
    t.client.edit(A, message.id, 'hello');
    t.client.react(A, message.id, '👍', 'add');
    const reply = t.client.send(A, 'replying', { replyTo: message.id });
    await waitFor(() => timeline.messages.length === 2, 'reply');
    expect(t.gateway.received.find((f) => f.type === 'chat_send' && f.clientId === reply.clientId)).toMatchObject({ replyTo: message.id });
    t.client.delete(A, message.id);
    await waitFor(() => timeline.get(1)?.deletedAt != null, 'deleted');
    expect(timeline.get(1)).toMatchObject({ body: '', reactions: [] });
    expect(timeline.messages.find((m) => m.body === 'replying')?.replyTo).toMatchObject({ messageId: message.id, excerpt: null });
    expect(t.client.outbox()).toEqual([]);
    expect(() => t.client.react(A, message.id, 'not an emoji', 'add')).toThrow(/one emoji/);
    expect(() => t.client.edit(A, message.id, '  ')).toThrow();
  });

  it('skips events it cannot read and holes in the log, and keeps delivering after them', async () => {
    const t = await setup();
    const events: string[] = [];
    t.client.on('event', (e) => events.push(`${e.seq}:${e.kind}`));
    t.client.connect();
    t.client.track(A, 0);
    await waitFor(() => t.client.status === 'open', 'open');
    await waitFor(() => t.gateway.received.some((f) => f.type === 'chat_sync'), 'resume sync');
    t.gateway.commit(A, 'one');
    t.gateway.append(A, { kind: 'poll_created', actorId: 'x', question: 'lunch?' });
    // A malformed event of a known kind is as unreadable as an unknown kind.
    t.gateway.append(A, { kind: 'message_edited', messageId: 'not-a-uuid' });
    t.gateway.skipSeqs(A, 2);
    t.gateway.commit(A, 'after the hole', { fanOut: false });
    t.gateway.commit(A, 'live again');
    await waitFor(() => events.length === 5, 'five deliveries');
    expect(events).toEqual(['1:message_created', '2:unknown', '3:unknown', '6:message_created', '7:message_created']);
    expect(t.client.lastSeq(A)).toBe(7);
  });

  it('syncs at once on chat_resync, without waiting for the next message', async () => {
    const t = await setup();
    t.client.connect();
    t.client.track(A, 0);
    await waitFor(() => t.client.status === 'open', 'open');
    await waitFor(() => t.gateway.received.some((f) => f.type === 'chat_sync'), 'resume sync');
    await sleep(20);
    t.gateway.commit(A, 'published while the bus was down', { fanOut: false });
    t.gateway.broadcast({ type: 'chat_resync', conversationIds: [A] });
    await waitFor(() => t.messages.length === 1, 'the missed message');
    expect(t.messages[0]?.body).toBe('published while the bus was down');
  });
});
