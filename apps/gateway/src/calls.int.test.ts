import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SDP_CHARS, type Message } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { connectionIdOf, nextMessage } from './testing/ws-client.ts';

const RING_TIMEOUT_MS = 1500;
const GRACE_MS = 800;
let h: Harness;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let mallory: TestUser;
let direct: string;
let group: string;

beforeAll(async () => {
  h = await startHarness({ env: { CALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS), CALL_RECONNECT_GRACE_MS: String(GRACE_MS) } });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  carol = await h.signUp('carol');
  mallory = await h.signUp('mallory');
  direct = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie })).data!.conversationId;
  group = (
    await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Trio', memberIds: [bob.user.id, carol.user.id] }, { cookie: alice.cookie })
  ).data!.conversationId;
});
afterEach(() => h.closeSockets());
afterAll(() => h?.close());

async function callEvents(conversationId: string): Promise<Message[]> {
  const res = await h.trpc<{ messages: Message[] }>('messages.history', { conversationId }, { cookie: alice.cookie, method: 'GET' });
  return res.data!.messages.filter((m) => m.kind === 'call');
}

const offer = { kind: 'description' as const, description: { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } };

describe('ICE servers for calls', () => {
  it('are STUN-only without a TURN secret and need a session', async () => {
    const res = await h.trpc<{ iceServers: unknown[]; expiresAt: string | null }>('calls.iceServers', undefined, { cookie: alice.cookie, method: 'GET' });
    expect(res.data).toEqual({ iceServers: [], expiresAt: null });
    expect((await h.trpc('calls.iceServers', undefined, { method: 'GET' })).status).toBe(401);
  });
});

describe('call signaling through the gateway', () => {
  it('rings every device, the first accept takes it, signals reach only participants, hang-up records it', async () => {
    const a = await h.connect(alice);
    const b1 = await h.connect(bob);
    const b2 = await h.connect(bob);
    const c = await h.connect(carol);
    const m = await h.connect(mallory);
    const callId = randomUUID();
    a.send({ type: 'call_invite', callId, conversationId: group, media: 'video' });

    for (const device of [b1, b2, c]) {
      const ring = await device.next('call_ring', (f) => f.call.id === callId);
      expect(ring.caller.id).toBe(alice.user.id);
      expect(ring.call).toMatchObject({ state: 'ringing', media: 'video' });
    }
    b1.send({ type: 'call_accept', callId });
    const stopped = await b2.next('call_update', (f) => f.call.id === callId && f.ringStopped === 'answered_elsewhere');
    expect(stopped.call.participants.map((p) => p.connectionId)).toContain(connectionIdOf(b1));
    const active = await a.next('call_update', (f) => f.call.id === callId && f.call.state === 'active');
    expect(active.call.participants.map((p) => p.userId).sort()).toEqual([alice.user.id, bob.user.id].sort());

    // SDP and ICE go to the addressed participant's device only.
    a.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(b1), data: offer });
    const relayed = await b1.next('call_signal_in', (f) => f.callId === callId);
    expect(relayed).toMatchObject({ fromConnectionId: connectionIdOf(a), fromUserId: alice.user.id, data: offer });
    b1.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(a), data: { kind: 'candidate', candidate: null } });
    await a.next('call_signal_in', (f) => f.callId === callId);

    // Carol (member, not in the call) and Mallory (not a member) can neither send nor receive.
    c.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(a), data: offer });
    expect((await c.next('error', (f) => f.ref === callId)).code).toBe('not_found');
    m.send({ type: 'call_accept', callId });
    expect((await m.next('error', (f) => f.ref === callId)).code).toBe('not_member');
    a.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(c), data: offer });
    expect((await a.next('error', (f) => f.ref === callId)).code).toBe('not_found');
    for (const outsider of [b2, c, m]) expect(outsider.frames.some((f) => f.type === 'call_signal_in')).toBe(false);

    b1.send({ type: 'call_hangup', callId });
    const ended = await a.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended');
    expect(ended.call.endReason).toBe('completed');
    const event = await nextMessage(c, (m) => m.kind === 'call');
    expect(event.call).toMatchObject({ callId, media: 'video', endReason: 'completed' });
    expect(event.call!.durationMs).toBeGreaterThanOrEqual(0);
    expect((await callEvents(group)).map((e) => e.call?.callId)).toContain(callId);
  });

  it("relays one device's signals in the order it sent them (an offer before its candidates)", async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const callId = randomUUID();
    a.send({ type: 'call_invite', callId, conversationId: direct, media: 'audio' });
    await b.next('call_ring', (f) => f.call.id === callId);
    // Accept and signal back to back: the signal is authorized only after the accept committed
    // Bob's seat (handled concurrently, it would find no seat and answer not_found).
    b.send({ type: 'call_accept', callId });
    b.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(a), data: offer });
    expect((await a.next('call_signal_in', (f) => f.callId === callId)).data).toEqual(offer);
    await a.next('call_update', (f) => f.call.id === callId && f.call.state === 'active');
    expect(b.frames.filter((f) => f.type === 'error')).toEqual([]);

    // A burst like a real offer: the description, then its candidates at once. Each relay is
    // authorized against Postgres; a candidate that overtakes its offer is refused by the browser.
    const burst = [offer, ...Array.from({ length: 40 }, (_, i) => ({
      kind: 'candidate' as const,
      candidate: { candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${50000 + i} typ host`, sdpMid: '0', sdpMLineIndex: 0 },
    }))];
    for (const data of burst) a.send({ type: 'call_signal', callId, toConnectionId: connectionIdOf(b), data });
    await b.next('call_signal_in', (f) => f.data.kind === 'candidate' && f.data.candidate?.candidate.startsWith('candidate:39 ') === true);
    const received = b.frames.flatMap((f) => (f.type === 'call_signal_in' && f.callId === callId ? [f.data] : []));
    expect(received).toEqual(burst);
    a.send({ type: 'call_hangup', callId });
    await b.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended');
  });

  it('records declined, cancelled and missed calls as distinct outcomes', async () => {
    const a = await h.connect(alice);
    const b1 = await h.connect(bob);
    const b2 = await h.connect(bob);

    const declined = randomUUID();
    a.send({ type: 'call_invite', callId: declined, conversationId: direct, media: 'audio' });
    await b1.next('call_ring', (f) => f.call.id === declined);
    b2.send({ type: 'call_decline', callId: declined });
    expect((await a.next('call_update', (f) => f.call.id === declined && f.call.state === 'ended')).call.endReason).toBe('declined');
    await b1.next('call_update', (f) => f.call.id === declined && f.ringStopped === 'declined_elsewhere');

    const cancelled = randomUUID();
    a.send({ type: 'call_invite', callId: cancelled, conversationId: direct, media: 'audio' });
    await b1.next('call_ring', (f) => f.call.id === cancelled);
    a.send({ type: 'call_hangup', callId: cancelled });
    expect((await b1.next('call_update', (f) => f.call.id === cancelled && f.call.state === 'ended')).call.endReason).toBe('cancelled');

    const missed = randomUUID();
    a.send({ type: 'call_invite', callId: missed, conversationId: direct, media: 'video' });
    await b1.next('call_ring', (f) => f.call.id === missed);
    const timedOut = await b2.next('call_update', (f) => f.call.id === missed && f.call.state === 'ended', RING_TIMEOUT_MS + 6000);
    expect(timedOut.call.endReason).toBe('missed');
    await nextMessage(a, (m) => m.call?.callId === missed);

    const outcomes = Object.fromEntries((await callEvents(direct)).map((e) => [e.call!.callId, e.call!]));
    expect(outcomes[declined]).toMatchObject({ endReason: 'declined', durationMs: 0, media: 'audio' });
    expect(outcomes[cancelled]).toMatchObject({ endReason: 'cancelled', durationMs: 0 });
    expect(outcomes[missed]).toMatchObject({ endReason: 'missed', durationMs: 0, media: 'video' });
  });

  it('rings a device that connects while the call rings, and keeps a seat across a reconnect', async () => {
    const a = await h.connect(alice);
    const callId = randomUUID();
    a.send({ type: 'call_invite', callId, conversationId: direct, media: 'video' });
    await a.next('call_update', (f) => f.call.id === callId);
    // Bob's phone comes online after the invite: it rings too.
    const late = await h.connect(bob);
    expect((await late.next('call_ring', (f) => f.call.id === callId)).caller.id).toBe(alice.user.id);
    late.send({ type: 'call_accept', callId });
    await a.next('call_update', (f) => f.call.id === callId && f.call.state === 'active');

    // Bob's socket drops; he reconnects within the grace and re-accepts: same call, new device.
    late.close();
    await late.closed;
    const back = await h.connect(bob);
    expect((await back.next('call_update', (f) => f.call.id === callId)).call.state).toBe('active');
    back.send({ type: 'call_accept', callId });
    const moved = await a.next('call_update', (f) => f.call.participants.some((p) => p.connectionId === connectionIdOf(back)));
    expect(moved.call.state).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 600));
    expect(a.frames.some((f) => f.type === 'call_update' && f.call.id === callId && f.call.state === 'ended')).toBe(false);

    // Now he drops for good: after the grace his seat is freed and the call completes.
    back.close();
    const ended = await a.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended', GRACE_MS + 7000);
    expect(ended.call.endReason).toBe('completed');
  });

  it('refuses bad call input: other conversations, a second live call, oversized SDP', async () => {
    const a = await h.connect(alice);
    const m = await h.connect(mallory);
    const refused = randomUUID();
    m.send({ type: 'call_invite', callId: refused, conversationId: direct, media: 'audio' });
    expect((await m.next('error', (f) => f.ref === refused)).code).toBe('not_member');

    const first = randomUUID();
    a.send({ type: 'call_invite', callId: first, conversationId: direct, media: 'audio' });
    await a.next('call_update', (f) => f.call.id === first);
    const second = randomUUID();
    a.send({ type: 'call_invite', callId: second, conversationId: direct, media: 'audio' });
    expect((await a.next('error', (f) => f.ref === second)).code).toBe('conflict');

    a.send({
      type: 'call_signal',
      callId: first,
      toConnectionId: 'x',
      data: { kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(MAX_SDP_CHARS + 1) } },
    });
    expect((await a.next('error', (f) => f.ref === first)).code).toBe('bad_frame');
    a.send({ type: 'call_hangup', callId: first });
    await a.next('call_update', (f) => f.call.id === first && f.call.state === 'ended');
  });
});
