import { describe, expect, it } from 'vitest';
import { errorFrame, type ChatSendFrame } from '@parley/protocol';
import type { OutboxEntry } from './outbox-entry.ts';
import { describeSendState } from './human-text.ts';
import type { FakeSocket } from './testing/fake-socket.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeCreated } from './testing/messages.ts';
import { unitClient } from './testing/unit-client.ts';

function setup(overrides: Parameters<typeof unitClient>[0] = {}) {
  let ids = 0;
  const t = unitClient({ newClientId: () => `client-id-${++ids}`, random: () => 0, heartbeatIntervalMs: 600_000, ...overrides });
  const states: OutboxEntry[] = [];
  t.client.on('send_state', (entry) => states.push(entry));
  return { ...t, states };
}

const sends = (socket: FakeSocket): ChatSendFrame[] => socket.sentOfType('chat_send');
const bodies = (socket: FakeSocket): string[] => sends(socket).map((f) => f.body);
let seq = 0;
/** The server's ack for a chat_send, with a committed event. */
const ack = (socket: FakeSocket, frame: ChatSendFrame) =>
  socket.deliver({
    type: 'chat_ack',
    clientId: frame.clientId,
    duplicate: false,
    event: makeCreated(frame.conversationId, ++seq, { clientId: frame.clientId, body: frame.body }),
  });

describe('outbox order', () => {
  it('keeps one action in flight per conversation: a retried one is never overtaken, other conversations go on', () => {
    const { client, connect, clock } = setup();
    const socket = connect();
    const a1 = client.send(A, 'a1');
    client.send(A, 'a2');
    client.edit(A, '00000000-0000-4000-8000-000000000001', 'a3 edits');
    client.send(B, 'b1');
    expect(bodies(socket)).toEqual(['a1', 'b1']);
    socket.deliver(errorFrame('unavailable', { ref: a1.clientId, retryAfterMs: 100 }));
    ack(socket, sends(socket)[1]!);
    client.send(B, 'b2');
    expect(bodies(socket)).toEqual(['a1', 'b1', 'b2']); // B is not held up by A
    clock.advance(100);
    expect(bodies(socket)).toEqual(['a1', 'b1', 'b2', 'a1']); // the same a1 again, a2 still waits
    expect(sends(socket)[3]?.clientId).toBe(a1.clientId);
    ack(socket, sends(socket)[3]!);
    expect(bodies(socket)).toEqual(['a1', 'b1', 'b2', 'a1', 'a2']);
    ack(socket, sends(socket)[4]!);
    expect(socket.sentOfType('chat_edit')).toHaveLength(1);
  });

  it('a failed action does not hold up the rest; retry() puts it behind what is pending', () => {
    const { client, connect, states } = setup();
    const socket = connect();
    const first = client.send(A, 'first');
    client.send(A, 'second');
    socket.deliver(errorFrame('not_found', { ref: first.clientId }));
    expect(states.find((s) => s.clientId === first.clientId && s.state === 'failed')).toMatchObject({ reason: 'not_found' });
    expect(bodies(socket)).toEqual(['first', 'second']);
    client.send(A, 'third');
    expect(client.retry(first.clientId)).toBe(true);
    ack(socket, sends(socket)[1]!);
    ack(socket, sends(socket)[2]!);
    expect(bodies(socket)).toEqual(['first', 'second', 'third', 'first']);
  });
});

describe('outbox pacing', () => {
  it('lets a burst out at once, then one action per 100 ms, so the server never refuses for rate', () => {
    const { client, connect, clock } = setup();
    const socket = connect();
    // 40 conversations, so order rules do not hold anything back: only the pacer does.
    const ids = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of ids) client.send(id, `to ${id}`);
    expect(sends(socket)).toHaveLength(24);
    clock.advance(99);
    expect(sends(socket)).toHaveLength(24);
    clock.advance(1);
    expect(sends(socket)).toHaveLength(25);
    clock.advance(1_500);
    expect(sends(socket)).toHaveLength(40);
    expect(sends(socket).map((f) => f.conversationId)).toEqual(ids); // oldest first
  });

  it('keeps at most maxInFlight actions unanswered', () => {
    const { client, connect } = setup({ pacing: { maxInFlight: 3 } });
    const socket = connect();
    for (const id of [A, B, '00000000-0000-4000-8000-00000000c0c3', '00000000-0000-4000-8000-00000000c0d4']) client.send(id, 'x');
    expect(sends(socket)).toHaveLength(3);
    ack(socket, sends(socket)[0]!);
    expect(sends(socket)).toHaveLength(4);
  });

  it('starts a fresh bucket on every socket, as the server does', () => {
    const { client, connect, reconnect } = setup();
    connect();
    const ids = Array.from({ length: 30 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of ids) client.send(id, 'x');
    const socket = reconnect();
    expect(sends(socket)).toHaveLength(24);
  });
});

describe('outbox states and reasons', () => {
  it('waits while offline, is resent after every reconnect with the same clientId, and leaves once acked', () => {
    const { client, connect, reconnect, fake, clock, states } = setup();
    connect();
    fake.last().drop(1006);
    const entry = client.send(A, 'written offline');
    expect(entry).toMatchObject({ state: 'waiting', reason: 'offline', inFlight: false });
    expect(describeSendState(entry)).toBe('Waiting for connection…');
    clock.advance(60_000); // a minute offline changes nothing: no timeout, no failure
    fake.last().drop(1006);
    clock.advance(100);
    let socket = fake.accept();
    expect(sends(socket).map((f) => f.clientId)).toEqual([entry.clientId]);
    socket = reconnect(); // lost again before the ack
    expect(sends(socket).map((f) => f.clientId)).toEqual([entry.clientId]);
    ack(socket, sends(socket)[0]!);
    expect(states.at(-1)).toMatchObject({ clientId: entry.clientId, state: 'sent' });
    expect(client.outbox()).toEqual([]);
    expect(states.some((s) => s.state === 'failed')).toBe(false);
  });

  it('waits for a new sign-in after 4001, with a reason that says so', () => {
    const { client, connect, fake } = setup();
    connect();
    const entry = client.send(A, 'x');
    fake.last().drop(4001, 'signed_out');
    expect(client.outbox()).toMatchObject([{ clientId: entry.clientId, state: 'waiting', reason: 'signed_out' }]);
    expect(describeSendState(client.outbox()[0]!)).toBe('Waiting for you to sign in again');
    client.connect();
    const socket = fake.accept();
    expect(sends(socket).map((f) => f.clientId)).toEqual([entry.clientId]);
  });

  it('cancels an entry that is not on the wire; one in flight cannot be cancelled', () => {
    const { client, connect, fake, clock, states } = setup();
    const socket = connect();
    const inFlight = client.send(A, 'on the wire');
    const queued = client.send(A, 'behind it');
    expect(client.cancel(inFlight.clientId)).toBe(false);
    expect(client.cancel(queued.clientId)).toBe(true);
    expect(states.at(-1)).toMatchObject({ clientId: queued.clientId, state: 'cancelled', reason: 'cancelled' });
    ack(socket, sends(socket)[0]!);
    fake.last().drop(1006);
    clock.advance(100);
    expect(sends(fake.accept())).toEqual([]);
    expect(client.cancel(queued.clientId)).toBe(false);
  });

  it('maps server refusals to typed reasons and human text, never the raw server message', () => {
    const { client, connect } = setup();
    const socket = connect();
    const cases = [
      ['not_member', "You can't send to this conversation any more"],
      ['bad_frame', "This can't be sent as it is"],
      ['invalid_input', "This can't be sent as it is"],
    ] as const;
    const ids = [A, B, '00000000-0000-4000-8000-00000000c0c3'];
    cases.forEach(([code], i) => client.send(ids[i]!, code));
    cases.forEach(([code], i) => socket.deliver(errorFrame(code, { ref: sends(socket)[i]!.clientId })));
    const texts = client.outbox().map((entry) => [entry.state, entry.reason, describeSendState(entry)]);
    expect(texts).toEqual([
      ['failed', 'not_member', cases[0][1]],
      ['failed', 'invalid', cases[1][1]],
      ['failed', 'invalid', cases[2][1]],
    ]);
  });

  it('follows `retryable` for an error code it does not know (a newer server)', () => {
    const { client, connect, clock } = setup();
    const socket = connect();
    const retried = client.send(A, 'x');
    const refused = client.send(B, 'y');
    socket.deliver(JSON.stringify({ type: 'error', code: 'overloaded', message: 'busy', retryable: true, retryAfterMs: 200, ref: retried.clientId }));
    socket.deliver(JSON.stringify({ type: 'error', code: 'quarantined', message: 'no', retryable: false, ref: refused.clientId }));
    expect(client.outbox().map((e) => [e.state, e.reason])).toEqual([
      ['sending', 'server_unavailable'],
      ['failed', 'rejected'],
    ]);
    clock.advance(200);
    expect(sends(socket).filter((f) => f.clientId === retried.clientId)).toHaveLength(2);
  });

  it('settles an entry whose ack carries an event it cannot read', () => {
    const { client, connect, states } = setup();
    const socket = connect();
    const entry = client.send(A, 'x');
    socket.deliver(JSON.stringify({ type: 'chat_ack', clientId: entry.clientId, duplicate: false, event: { kind: 'poll_created' } }));
    expect(states.at(-1)).toMatchObject({ clientId: entry.clientId, state: 'sent' });
  });
});
