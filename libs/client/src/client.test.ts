import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, errorFrame, type Message } from '@parley/protocol';
import { createParleyClient, type ParleyClientOptions } from './client.ts';
import type { ClientStatus, ClosedInfo } from './connection.ts';
import type { ParleyClientError } from './errors.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { fakeSockets } from './testing/fake-socket.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeCreated } from './testing/messages.ts';

const MALLORY = { id: '00000000-0000-4000-8000-0000000000ff', handle: 'mallory', displayName: 'Mallory' };

function setup(overrides: Partial<ParleyClientOptions> = {}) {
  const clock = new FakeClock();
  const fake = fakeSockets();
  const delays: number[] = [];
  let ids = 0;
  const client = createParleyClient({
    url: 'ws://test/ws',
    WebSocket: fake.WebSocket,
    webSocketOptions: { headers: { cookie: 'parley_session=x' } },
    clientName: 'unit',
    clock,
    reconnect: {
      nextDelayMs: (attempt) => {
        delays.push(attempt);
        return 100;
      },
    },
    newClientId: () => `client-id-${++ids}`,
    readFlushDelayMs: 10,
    ...overrides,
  });
  const statuses: ClientStatus[] = [];
  const messages: Message[] = [];
  const states: OutboxEntry[] = [];
  const errors: ParleyClientError[] = [];
  const closed: ClosedInfo[] = [];
  client.on('status', (s) => statuses.push(s));
  client.on('event', (e) => {
    if (e.kind === 'message_created') messages.push(e.message);
  });
  client.on('send_state', (e) => states.push(e));
  client.on('error', (e) => errors.push(e));
  client.on('closed', (c) => closed.push(c));
  return { client, clock, fake, delays, statuses, messages, states, errors, closed };
}

describe('connection lifecycle', () => {
  it('says hello with the constructor options and goes open on hello_ok', () => {
    const { client, fake, statuses } = setup();
    expect(client.status).toBe('idle');
    client.connect();
    expect(client.status).toBe('connecting');
    expect(fake.last().options).toEqual({ headers: { cookie: 'parley_session=x' } });
    const socket = fake.accept();
    expect(socket.sent[0]).toEqual({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'unit' });
    expect(statuses).toEqual(['connecting', 'open']);
    expect(client.user?.handle).toBe('alice');
  });

  it('reconnects after the policy delay and resets the attempt count after hello_ok', () => {
    const { client, clock, fake, delays, statuses, closed } = setup();
    client.connect();
    fake.accept();
    fake.last().drop(1006);
    expect(closed.at(-1)).toMatchObject({ code: 1006, willReconnect: true });
    expect(client.status).toBe('reconnecting');
    clock.advance(99);
    expect(fake.sockets).toHaveLength(1);
    clock.advance(1);
    expect(fake.sockets).toHaveLength(2);
    fake.last().drop(1006); // failed before hello: the attempt count grows
    clock.advance(100);
    fake.accept();
    fake.last().drop(1012);
    expect(delays).toEqual([0, 1, 0]);
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open', 'reconnecting']);
  });

  it('stops for good on 4001 and reports unauthorized', () => {
    const { client, clock, fake, closed } = setup();
    client.connect();
    fake.last().open();
    fake.last().drop(4001, 'unauthorized');
    clock.advance(60_000);
    expect(fake.sockets).toHaveLength(1);
    expect(client.status).toBe('closed');
    expect(closed[0]?.willReconnect).toBe(false);
    expect(closed[0]?.error?.reason).toBe('unauthorized');
  });

  it('stops before sending anything queued when a reconnect brings another user (a sign-in elsewhere)', () => {
    const { client, clock, fake, closed } = setup();
    client.connect();
    fake.accept();
    fake.last().drop(1006);
    client.send(A, 'written as Alice');
    clock.advance(100);
    const socket = fake.accept(MALLORY);
    expect(socket.sentOfType('chat_send')).toEqual([]);
    expect(socket.closedWith).toMatchObject({ reason: 'user changed' });
    expect(client.status).toBe('closed');
    expect(closed.at(-1)).toMatchObject({ willReconnect: false, error: { reason: 'user_changed' } });
    expect(client.user?.handle).toBe('alice');
    // Kept for Alice: it goes out when she is back.
    expect(client.outbox(A).map((e) => (e.action.type === 'send' ? e.action.body : e.action.type))).toEqual(['written as Alice']);
    clock.advance(60_000);
    expect(fake.sockets).toHaveLength(2);
  });

  it('with userId, refuses even the first hello_ok for someone else', () => {
    const { client, fake, closed } = setup({ userId: MALLORY.id.replace('f', 'e') });
    client.send(A, 'queued before connecting');
    client.connect();
    const socket = fake.accept(MALLORY);
    expect(socket.sentOfType('chat_send')).toEqual([]);
    expect(closed.at(-1)?.error?.reason).toBe('user_changed');
  });

  it('after close 1013, waits the retryAfterMs the server gave (when longer than its own backoff)', () => {
    const { client, clock, fake } = setup();
    client.connect();
    fake.last().open();
    fake.last().deliver(errorFrame('overloaded', { retryAfterMs: 2_500 }));
    fake.last().drop(1013, 'try_again_later');
    expect(client.status).toBe('reconnecting');
    clock.advance(2_499);
    expect(fake.sockets).toHaveLength(1);
    clock.advance(1);
    expect(fake.sockets).toHaveLength(2);
    // The hint was for that close only: a plain drop uses the policy's 100 ms again.
    fake.last().drop(1006);
    clock.advance(100);
    expect(fake.sockets).toHaveLength(3);
  });

  it('close() stops reconnecting and leaves no timers behind', () => {
    const { client, clock, fake } = setup();
    client.connect();
    fake.accept();
    client.send(A, 'pending');
    client.close();
    expect(fake.last().closedWith?.code).toBe(1000);
    expect(client.status).toBe('closed');
    expect(clock.pending()).toBe(0);
  });

  it('pings every interval and declares the socket dead when a ping goes unanswered for livenessTimeoutMs', () => {
    const { client, clock, fake } = setup({ heartbeatIntervalMs: 1_000, livenessTimeoutMs: 300 });
    client.connect();
    const socket = fake.accept();
    clock.advance(1_000);
    expect(socket.sentOfType('ping')).toEqual([{ type: 'ping', nonce: '1' }]);
    clock.advance(299);
    socket.deliver({ type: 'pong', nonce: '1' });
    clock.advance(701); // the second ping, at 2 s
    expect(socket.sentOfType('ping')).toHaveLength(2);
    socket.deliver({ type: 'chat_resync', conversationIds: [] }); // other frames are not an answer
    clock.advance(299);
    expect(client.status).toBe('open');
    clock.advance(1); // 300 ms without its pong
    expect(socket.closedWith?.code).toBe(4004);
    expect(client.status).toBe('reconnecting');
    clock.advance(100);
    expect(fake.sockets).toHaveLength(2);
  });

  it('gives up connecting when hello_ok does not come within connectTimeoutMs', () => {
    const { client, clock, fake } = setup({ connectTimeoutMs: 500 });
    client.connect();
    fake.last().open();
    clock.advance(500);
    expect(fake.sockets[0]?.closedWith?.code).toBe(4004);
    expect(client.status).toBe('reconnecting');
  });

  it('reports an unparseable frame as a protocol error without throwing', () => {
    const { client, fake, errors } = setup();
    client.connect();
    const socket = fake.accept();
    socket.deliver('{nope');
    socket.deliver(JSON.stringify({ type: 'chat_message', message: { seq: 'x' } }));
    expect(errors.map((e) => e.reason)).toEqual(['protocol', 'protocol']);
    expect(client.status).toBe('open');
  });
});

describe('outbox', () => {
  it('sends queued entries before anything a status listener sends on open', () => {
    const { client, fake } = setup();
    client.send(A, 'first');
    client.on('status', (s) => {
      if (s === 'open') client.send(B, 'second');
    });
    client.connect();
    const socket = fake.accept();
    expect(socket.sentOfType('chat_send').map((f) => f.body)).toEqual(['first', 'second']);
  });

  it('delivers an acked message once even when the fan-out copy follows', () => {
    const { client, fake, messages, states } = setup();
    client.connect();
    const socket = fake.accept();
    const entry = client.send(A, 'hi');
    const event = makeCreated(A, 1, { clientId: entry.clientId, body: 'hi' });
    socket.deliver({ type: 'chat_ack', clientId: entry.clientId, event, duplicate: false });
    socket.deliver({ type: 'chat_event', event });
    expect(messages.map((m) => m.seq)).toEqual([1]);
    expect(states.at(-1)).toMatchObject({ state: 'sent', event: { seq: 1 } });
    expect(client.outbox()).toEqual([]);
  });

  it('resends on ack timeout with the same clientId, waiting longer each time, and never fails for it', () => {
    const { client, clock, fake, states } = setup({ ackTimeoutMs: 1_000, heartbeatIntervalMs: 600_000 });
    client.connect();
    const socket = fake.accept();
    const entry = client.send(A, 'hello?');
    const pong = () => socket.deliver({ type: 'pong', nonce: socket.sentOfType('ping').at(-1)?.nonce ?? '' });
    clock.advance(1_000);
    pong(); // the doubt probe is answered: the socket lives, the action was lost
    expect(socket.sentOfType('chat_send').map((f) => f.clientId)).toEqual([entry.clientId, entry.clientId]);
    expect(states.at(-1)).toMatchObject({ state: 'sending', inFlight: true, attempts: 2 });
    clock.advance(1_999);
    pong();
    expect(socket.sentOfType('chat_send')).toHaveLength(2);
    clock.advance(1); // 2 s after the resend
    pong();
    expect(socket.sentOfType('chat_send')).toHaveLength(3);
    for (let i = 0; i < 320; i += 1) {
      clock.advance(500);
      pong();
    }
    // 160 s more: resent every 4 s, then every 8 s (the cap)
    expect(socket.sentOfType('chat_send')).toHaveLength(3 + 1 + 19);
    expect(client.outbox()).toMatchObject([{ clientId: entry.clientId, state: 'sending' }]);
    expect(states.some((s) => s.state === 'failed')).toBe(false);
    expect(states.some((s) => s.reason === 'no_ack' && s.error?.reason === 'ack_timeout')).toBe(true);
  });

  it('retries retryable errors no sooner than retryAfterMs, for as long as they last', () => {
    const { client, clock, fake, states } = setup({ random: () => 0 });
    client.connect();
    const socket = fake.accept();
    const { clientId } = client.send(A, 'x');
    socket.deliver(errorFrame('rate_limited', { ref: clientId, retryAfterMs: 300 }));
    expect(states.at(-1)).toMatchObject({ state: 'sending', reason: 'rate_limited', inFlight: false });
    clock.advance(299);
    expect(socket.sentOfType('chat_send')).toHaveLength(1);
    clock.advance(1);
    expect(socket.sentOfType('chat_send')).toHaveLength(2);
    // rate_limited emptied the pacer: from here it lets one action out per 100 ms.
    for (let i = 0; i < 30; i += 1) {
      socket.deliver(errorFrame('unavailable', { ref: clientId, retryAfterMs: 100 }));
      clock.advance(100);
    }
    expect(socket.sentOfType('chat_send')).toHaveLength(32);
    expect(states.at(-1)).toMatchObject({ state: 'sending', attempts: 32, inFlight: true });
    expect(states.some((s) => s.state === 'failed')).toBe(false);
  });

  it('fails after maxInternalErrors internal errors in a row (a bug that fails every time)', () => {
    const { client, clock, fake, states } = setup({ random: () => 0, maxInternalErrors: 3 });
    client.connect();
    const socket = fake.accept();
    const { clientId } = client.send(A, 'x');
    for (let i = 0; i < 3; i += 1) {
      socket.deliver(errorFrame('internal', { ref: clientId, retryAfterMs: 10 }));
      clock.advance(10);
    }
    expect(socket.sentOfType('chat_send')).toHaveLength(3);
    expect(states.at(-1)).toMatchObject({ state: 'failed', reason: 'server_error', attempts: 3 });
  });

  it('fails non-retryable errors at once; retry() sends again with the same clientId', () => {
    const { client, fake, states } = setup();
    client.connect();
    const socket = fake.accept();
    const { clientId } = client.send(A, 'x');
    socket.deliver(errorFrame('not_member', { ref: clientId }));
    expect(client.outbox(A)).toMatchObject([{ clientId, state: 'failed', attempts: 1 }]);
    expect(client.retry(clientId)).toBe(true);
    expect(states.at(-1)).toMatchObject({ state: 'sending', attempts: 2 });
    expect(socket.sentOfType('chat_send').map((f) => f.clientId)).toEqual([clientId, clientId]);
  });

  it('rejects an empty body', () => {
    const { client } = setup();
    expect(() => client.send(A, '   ')).toThrow(expect.objectContaining({ reason: 'invalid_input' }));
  });
});

describe('forward compatibility', () => {
  it('applies a sync page with an event it cannot read at all, and moves past it by throughSeq', () => {
    const { client, fake, messages } = setup();
    client.connect();
    const socket = fake.accept();
    client.track(A, 0);
    const good = (seq: number) => makeCreated(A, seq);
    socket.deliver(JSON.stringify({
      type: 'chat_sync_result', conversationId: A, afterSeq: 0, hasMore: false, throughSeq: 3,
      events: [good(1), { kind: 'message_created', seq: 'two' }, good(3)],
    }));
    expect(messages.map((m) => m.seq)).toEqual([1, 3]);
    expect(client.lastSeq(A)).toBe(3);
    socket.deliver({ type: 'chat_event', event: good(4) });
    expect(messages.map((m) => m.seq)).toEqual([1, 3, 4]);
  });
});

describe('read marks', () => {
  it('coalesces marks into one chat_read, never backwards, and skips what the server has', () => {
    const { client, clock, fake } = setup();
    client.connect();
    const socket = fake.accept();
    client.markRead(A, 3);
    client.markRead(A, 7);
    client.markRead(A, 5);
    clock.advance(10);
    expect(socket.sentOfType('chat_read')).toEqual([{ type: 'chat_read', conversationId: A, seq: 7 }]);
    socket.deliver({ type: 'read_state', conversationId: A, userId: client.user?.id ?? '', lastReadSeq: 9 });
    client.markRead(A, 8);
    clock.advance(10);
    expect(socket.sentOfType('chat_read')).toHaveLength(1);
  });

  it('holds marks made offline until the next hello_ok', () => {
    const { client, clock, fake } = setup();
    client.markRead(A, 2);
    clock.advance(10);
    client.connect();
    const socket = fake.accept();
    expect(socket.sentOfType('chat_read')).toEqual([{ type: 'chat_read', conversationId: A, seq: 2 }]);
  });
});

describe('conversation changes', () => {
  it('stops tracking a conversation the user was removed from', () => {
    const { client, fake } = setup();
    client.connect();
    const socket = fake.accept();
    client.track(A, 4);
    socket.deliver({ type: 'conversation_changed', conversationId: A, change: 'removed' });
    expect(client.lastSeq(A)).toBeUndefined();
  });
});

describe('constructor failures', () => {
  it('throws from connect() on a malformed URL and ends closed, not half-connecting', () => {
    const { client } = setup({
      WebSocket: class {
        constructor() {
          throw new SyntaxError('bad url');
        }
      } as never,
    });
    expect(() => client.connect()).toThrow(SyntaxError);
    expect(client.status).toBe('closed');
  });
});
