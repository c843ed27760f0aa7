import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushPayloadSchema, type PushPayload } from '@parley/protocol';
import { startLocalPushService, type LocalPushService, type LocalSubscription, type ReceivedPush } from '@parley/api/testing';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { act, type TestSocket } from './testing/ws-client.ts';
import { MESSAGE_TTL_SECONDS } from './push/push-service.ts';

// Web Push (issue 10) on a real gateway and Postgres, against a push service on loopback that
// speaks RFC 8030, checks every request's VAPID JWT (RFC 8292) and decrypts its aes128gcm body
// (RFC 8291) with the subscription's own private key, the way a browser would.

let h: Harness;
let service: LocalPushService;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let direct: string;
let group: string;
let bobSub: LocalSubscription;
let publicKey: string;

const PUSH_TIMEOUT_MS = 1000;

beforeAll(async () => {
  service = await startLocalPushService();
  h = await startHarness({
    env: { PUSH_ALLOW_LOOPBACK: 'true', PUSH_TIMEOUT_MS: String(PUSH_TIMEOUT_MS), CALL_RING_TIMEOUT_MS: '2000' },
    pushAgent: new Agent({ ca: service.certificatePem }),
  });
  [alice, bob, carol] = await Promise.all([h.signUp('alice'), h.signUp('bob'), h.signUp('carol')]);
  direct = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie })).data!.conversationId;
  group = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Team', memberIds: [bob.user.id, carol.user.id] }, { cookie: alice.cookie })).data!
    .conversationId;
});
afterAll(async () => {
  await h?.close();
  await service?.close();
});

const payloadOf = (push: ReceivedPush): PushPayload => PushPayloadSchema.parse(JSON.parse(push.text));
const pushesTo = (sub: LocalSubscription) => service.received.filter((p) => p.subscriptionId === sub.id).map(payloadOf);

async function subscribe(user: TestUser, sub = service.subscribe()): Promise<LocalSubscription> {
  const res = await h.trpc('push.subscribe', sub.json, { cookie: user.cookie });
  expect(res.status, JSON.stringify(res.error)).toBe(200);
  return sub;
}

/** Sends text as `from` and waits until the push work it caused is over. */
async function say(from: TestSocket, conversationId: string, body: string): Promise<number> {
  const ack = await act(from, { type: 'chat_send', conversationId, body });
  if (ack.type !== 'chat_ack' || !ack.event) throw new Error(`send failed: ${JSON.stringify(ack)}`);
  await h.server.deps.push.idle();
  return ack.event.seq;
}

describe('keys and subscriptions', () => {
  it('makes a VAPID key pair at first start, stores it in Postgres, and keeps it across restarts', async () => {
    const res = await h.trpc<{ publicKey: string }>('push.publicKey', undefined, { cookie: bob.cookie, method: 'GET' });
    publicKey = res.data!.publicKey;
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    await h.restart();
    expect((await h.trpc<{ publicKey: string }>('push.publicKey', undefined, { cookie: bob.cookie, method: 'GET' })).data!.publicKey).toBe(publicKey);
    expect((await h.trpc('push.publicKey', undefined, { method: 'GET' })).status).toBe(401);
  });

  it('refuses bad subscriptions with clear errors', async () => {
    const good = service.subscribe().json;
    const refused = async (input: unknown) => (await h.trpc('push.subscribe', input, { cookie: bob.cookie })).error!;
    expect((await refused({ ...good, endpoint: 'http://127.0.0.1:1/push/x' })).message).toBe('A push endpoint must be an https URL');
    expect((await refused({ ...good, endpoint: 'https://intranet.example/push' })).message).toBe('This server does not send pushes to intranet.example');
    expect((await refused({ ...good, endpoint: 'nope' })).data.appCode).toBe('invalid_input');
    expect((await refused({ ...good, endpoint: `https://127.0.0.1/${'x'.repeat(2100)}` })).data.fieldErrors?.endpoint).toEqual(['endpoint is at most 2048 characters']);
    expect((await refused({ ...good, keys: { ...good.keys, p256dh: 'A'.repeat(200) } })).data.fieldErrors?.keys?.[0]).toContain('too long');
    expect((await refused({ ...good, keys: { ...good.keys, auth: 'AAAA' } })).data.fieldErrors?.keys?.[0]).toBe('keys.auth must be 16 bytes, base64url');
    // 65 bytes, but not a point on the curve: every push to it would fail.
    expect((await refused({ ...good, keys: { ...good.keys, p256dh: `BA${'A'.repeat(85)}` } })).data.fieldErrors?.keys?.[0]).toBe('keys.p256dh must be a base64url P-256 public key (65 bytes)');
    expect((await h.trpc('push.subscribe', good)).status).toBe(401);
  });
});

describe('push switched off (PUSH_ENABLED=false)', () => {
  it('answers not_found, the documented "push is off", before looking at the input', async () => {
    const off = await startHarness({ env: { PUSH_ENABLED: 'false' } });
    try {
      const kim = await off.signUp('kim');
      const good = service.subscribe().json;
      const answers = await Promise.all([
        off.trpc('push.subscribe', good, { cookie: kim.cookie }),
        off.trpc('push.subscribe', { ...good, keys: { p256dh: 'x', auth: 'y' } }, { cookie: kim.cookie }),
        off.trpc('push.subscribe', { nonsense: true }, { cookie: kim.cookie }),
        off.trpc('push.publicKey', undefined, { cookie: kim.cookie, method: 'GET' }),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.error).toMatchObject({ message: 'Web Push is turned off on this server', data: { appCode: 'not_found' } });
        expect(answer.error?.data.fieldErrors).toBeUndefined();
      }
      // Still no session, no answer about push.
      expect((await off.trpc('push.subscribe', good)).status).toBe(401);
    } finally {
      await off.close();
    }
  });
});

describe('what sends a push', () => {
  let a: TestSocket;
  let b: TestSocket;

  beforeAll(async () => {
    bobSub = await subscribe(bob);
    a = await h.connect(alice);
    b = await h.connect(bob);
  });

  it('a direct message: signed with the stored key, encrypted for the subscription, only who wrote by default', async () => {
    const seq = await say(a, direct, 'lunch at noon?');
    const push = await service.next((p) => p.subscriptionId === bobSub.id);
    expect(push.vapidKey).toBe(publicKey);
    expect(push.claims.aud).toBe(service.origin);
    expect(push.topic).toBe(direct.replaceAll('-', ''));
    expect(push.ttl).toBe(MESSAGE_TTL_SECONDS);
    expect(push.urgency).toBe('normal');
    expect(payloadOf(push)).toMatchObject({
      kind: 'message', conversationId: direct, seq, title: 'New message from Alice', body: '', tag: `parley:${direct}`, renotify: true, url: `/c/${direct}`,
    });
    expect(push.text).not.toContain('lunch');
  });

  it('shows the text once the user chose so, and every device of theirs hears the setting', async () => {
    const res = await h.trpc<{ pushContent: string }>('users.setPushContent', { content: 'text' }, { cookie: bob.cookie });
    expect(res.data).toMatchObject({ pushContent: 'text', dndUntil: null });
    await b.next('settings_changed', (f) => f.pushContent === 'text');
    const seq = await say(a, direct, 'lunch   at\nnoon?');
    expect(pushesTo(bobSub).at(-1)).toMatchObject({ seq, title: 'Alice', body: 'lunch at noon?' });
    expect((await h.trpc('users.setPushContent', { content: 'everything' }, { cookie: bob.cookie })).status).toBe(400);
  });

  it('in a group: a mention pushes (title with the group), other messages do not at the default level', async () => {
    const before = pushesTo(bobSub).length;
    await say(a, group, 'hello team');
    expect(pushesTo(bobSub)).toHaveLength(before);
    const seq = await say(a, group, 'can you review, @bob?');
    expect(pushesTo(bobSub).slice(before)).toEqual([expect.objectContaining({ seq, conversationId: group, title: 'Alice in Team', body: 'can you review, @bob?' })]);
  });

  it('follows notifyLevel: none mutes, mentions only mentions', async () => {
    await h.trpc('conversations.setNotifications', { conversationId: direct, level: 'none' }, { cookie: bob.cookie });
    const before = pushesTo(bobSub).length;
    await say(a, direct, 'muted 1');
    await say(a, direct, 'muted 2 @bob');
    expect(pushesTo(bobSub)).toHaveLength(before);
    await h.trpc('conversations.setNotifications', { conversationId: direct, level: 'mentions' }, { cookie: bob.cookie });
    await say(a, direct, 'not for you');
    const seq = await say(a, direct, 'this one @bob');
    expect(pushesTo(bobSub).slice(before).map((p) => p.seq)).toEqual([seq]);
    await h.trpc('conversations.setNotifications', { conversationId: direct, level: 'all' }, { cookie: bob.cookie });
  });

  it('do-not-disturb holds every push back until it is off', async () => {
    await h.trpc('users.setDoNotDisturb', { until: new Date(Date.now() + 3_600_000).toISOString() }, { cookie: bob.cookie });
    const before = pushesTo(bobSub).length;
    await say(a, direct, 'during dnd');
    await say(a, group, 'during dnd @bob');
    expect(pushesTo(bobSub)).toHaveLength(before);
    await h.trpc('users.setDoNotDisturb', { until: null }, { cookie: bob.cookie });
    const seq = await say(a, direct, 'after dnd');
    expect(pushesTo(bobSub).slice(before).map((p) => p.seq)).toEqual([seq]);
  });

  it('no push for a conversation the user is looking at on any device (presence_set viewing), pushes again once they look away', async () => {
    const before = pushesTo(bobSub).length;
    b.send({ type: 'presence_set', state: 'active', viewing: direct });
    await waitForView(bob.user.id, direct);
    await say(a, direct, 'you see this live');
    expect(pushesTo(bobSub)).toHaveLength(before);
    // Looking at the direct conversation does not hide a mention in the group.
    const mention = await say(a, group, 'over here @bob');
    b.send({ type: 'presence_set', state: 'idle', viewing: direct });
    await waitForView(bob.user.id, null);
    const away = await say(a, direct, 'you stepped away');
    expect(pushesTo(bobSub).slice(before).map((p) => p.seq)).toEqual([mention, away]);
  });

  it('a ringing call pushes at once (high urgency, short TTL); a call nobody answered becomes a quiet "missed call" under the same tag', async () => {
    const callId = randomUUID();
    a.send({ type: 'call_invite', callId, conversationId: direct, media: 'video' });
    const ring = await service.next((p) => p.subscriptionId === bobSub.id && payloadOf(p).kind === 'call');
    expect(ring.urgency).toBe('high');
    expect(ring.ttl).toBe(2);
    expect(payloadOf(ring)).toMatchObject({ kind: 'call', callId, title: 'Incoming video call from Alice', tag: `parley:${direct}`, renotify: true, url: `/c/${direct}` });
    const missed = await service.next((p) => p.subscriptionId === bobSub.id && payloadOf(p).kind === 'missed_call', 10_000);
    expect(payloadOf(missed)).toMatchObject({ callId, title: 'Missed video call from Alice', tag: `parley:${direct}`, renotify: false });
  });

  it('never pushes to the sender, nor for edits, reactions or a retried send', async () => {
    const aliceSub = await subscribe(alice);
    const ack = await act(a, { type: 'chat_send', conversationId: direct, body: 'once', clientId: 'retry-me-1234' });
    await h.server.deps.push.idle();
    const count = pushesTo(bobSub).length;
    await act(a, { type: 'chat_send', conversationId: direct, body: 'once', clientId: 'retry-me-1234' });
    if (ack.type !== 'chat_ack' || !ack.event || ack.event.kind !== 'message_created') throw new Error('send failed');
    await act(a, { type: 'chat_edit', conversationId: direct, messageId: ack.event.message.id, body: 'edited' });
    await act(b, { type: 'chat_react', conversationId: direct, messageId: ack.event.message.id, emoji: '👍', action: 'add' });
    await h.server.deps.push.idle();
    expect(pushesTo(bobSub)).toHaveLength(count);
    expect(pushesTo(aliceSub)).toEqual([]);
    await h.trpc('push.unsubscribe', { endpoint: aliceSub.json.endpoint }, { cookie: alice.cookie });
  });
});

describe('group calls', () => {
  it('"missed call" goes to a member who neither joined nor declined, never to one who declined', async () => {
    const [hank, ivy, jo] = await Promise.all([h.signUp('hank'), h.signUp('ivy'), h.signUp('joan')]);
    const [hankSub, ivySub] = [await subscribe(hank), await subscribe(ivy)];
    const crew = (await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Crew', memberIds: [hank.user.id, ivy.user.id] }, { cookie: jo.cookie }))
      .data!.conversationId;
    const [caller, ivySocket] = await Promise.all([h.connect(jo), h.connect(ivy)]);
    const callId = randomUUID();
    caller.send({ type: 'call_invite', callId, conversationId: crew, media: 'audio' });
    await service.next((p) => p.subscriptionId === hankSub.id && payloadOf(p).kind === 'call' && payloadOf(p).callId === callId);
    await service.next((p) => p.subscriptionId === ivySub.id && payloadOf(p).kind === 'call' && payloadOf(p).callId === callId);
    await ivySocket.next('call_ring', (f) => f.call.id === callId);
    ivySocket.send({ type: 'call_decline', callId });
    await ivySocket.next('call_update', (f) => f.call.id === callId && f.ringStopped === 'declined_elsewhere');
    // Nobody else answers: the ring times out (CALL_RING_TIMEOUT_MS 2000) and the call ends missed.
    await caller.next('call_update', (f) => f.call.id === callId && f.call.state === 'ended', 10_000);
    const missed = await service.next((p) => p.subscriptionId === hankSub.id && payloadOf(p).kind === 'missed_call', 10_000);
    expect(payloadOf(missed)).toMatchObject({ callId, title: 'Missed call from Joan', renotify: false });
    await h.server.deps.push.idle();
    expect(pushesTo(ivySub).map((p) => p.kind)).toEqual(['call']);
  });
});

describe('subscriptions that end', () => {
  it('a 404/410 from the push service deletes the subscription', async () => {
    const carolSub = await subscribe(carol);
    service.behave(carolSub.id, { status: 410 });
    const a = await h.connect(alice);
    await say(a, group, 'ping @carol');
    expect(await subscriptionCount(carol.user.id)).toBe(0);
    expect(h.server.deps.push.stats().gone).toBeGreaterThanOrEqual(1);
  });

  it('signing out drops the session’s subscription; unsubscribe removes one by endpoint', async () => {
    const carolSub = await subscribe(carol);
    expect(await subscriptionCount(carol.user.id)).toBe(1);
    await h.trpc('auth.signOut', undefined, { cookie: carol.cookie });
    await expect.poll(() => subscriptionCount(carol.user.id)).toBe(0);
    const a = await h.connect(alice);
    await say(a, group, 'still there @carol?');
    expect(pushesTo(carolSub)).toEqual([]);

    const dave = await h.signUp('dave');
    const daveSub = await subscribe(dave);
    expect((await h.trpc('push.unsubscribe', { endpoint: daveSub.json.endpoint }, { cookie: dave.cookie })).data).toEqual({ removed: true });
    expect((await h.trpc('push.unsubscribe', { endpoint: daveSub.json.endpoint }, { cookie: dave.cookie })).data).toEqual({ removed: false });
  });

  it('a revoked session’s subscription is skipped even before it is deleted, and a deleted account takes its subscriptions along', async () => {
    const erin = await h.signUp('erin');
    const erinSub = await subscribe(erin);
    const a = await h.connect(alice);
    await h.trpc('conversations.addMembers', { conversationId: group, userIds: [erin.user.id] }, { cookie: alice.cookie });
    // Revoked in the database only (as a crashed node would leave it): the send-time check holds.
    await h.server.deps.db.pool.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [erin.user.id]);
    await say(a, group, 'anyone @erin?');
    expect(pushesTo(erinSub)).toEqual([]);

    const fred = await h.signUp('fred');
    await subscribe(fred);
    expect((await h.trpc('account.delete', { password: 'correct horse battery' }, { cookie: fred.cookie })).status).toBe(200);
    expect(await subscriptionCount(fred.user.id)).toBe(0);
  });
});

describe('a push service that is down or slow', () => {
  it('never holds up chat: acks stay fast, the node stays up, and the sends are given up after the timeout', async () => {
    const gina = await h.signUp('gina');
    const slow = await subscribe(gina);
    service.behave(slow.id, { hangMs: 60_000 });
    // Another account whose push service is not there at all (nothing listens on port 1).
    const down = service.subscribe();
    const ginaPhone = await h.signUp('gina_phone');
    await subscribe(ginaPhone, { ...down, json: { ...down.json, endpoint: `https://127.0.0.1:1/push/${down.id}` } });
    const dm = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: gina.user.id }, { cookie: alice.cookie })).data!.conversationId;
    const dm2 = (await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: ginaPhone.user.id }, { cookie: alice.cookie })).data!.conversationId;
    const a = await h.connect(alice);
    const failedBefore = h.server.deps.push.stats().failed;

    const started = Date.now();
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => act(a, { type: 'chat_send', conversationId: i % 2 ? dm : dm2, body: `m${i}` })));
    const elapsedMs = Date.now() - started;
    expect(acks.every((ack) => ack.type === 'chat_ack')).toBe(true);
    // Twenty acks against a push service that never answers: far below one push timeout.
    expect(elapsedMs).toBeLessThan(PUSH_TIMEOUT_MS);
    expect((await fetch(`${h.origin}/healthz`)).status).toBe(200);

    await h.server.deps.push.idle();
    expect(h.server.deps.push.stats().failed - failedBefore).toBe(20);
    // Nothing was deleted: only 404/410 mean "gone".
    expect(await subscriptionCount(gina.user.id)).toBe(1);
    // And chat still works afterwards.
    const b = await h.connect(bob);
    const seq = await say(a, direct, 'still here');
    expect(pushesTo(bobSub).at(-1)?.seq).toBe(seq);
    b.close();
  }, 30_000);
});

async function subscriptionCount(userId: string): Promise<number> {
  const { rows } = await h.server.deps.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM push_subscriptions WHERE user_id = $1', [userId]);
  return Number(rows[0]!.n);
}

async function waitForView(userId: string, conversationId: string | null): Promise<void> {
  await expect
    .poll(async () => {
      const { rows } = await h.server.deps.db.pool.query<{ conversation_id: string }>('SELECT conversation_id FROM active_views WHERE user_id = $1', [userId]);
      return rows[0]?.conversation_id ?? null;
    })
    .toBe(conversationId);
}
