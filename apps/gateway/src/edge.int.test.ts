import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE_CODES, MAX_FRAME_BYTES, type Message } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { ackedMessage, openSocket } from './testing/ws-client.ts';

let h: Harness;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  h = await startHarness({ helloTimeoutMs: 500 });
  alice = await h.signUp('alice');
  bob = await h.signUp('bob');
  const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: bob.user.id }, { cookie: alice.cookie });
  conversationId = opened.data!.conversationId;
});
afterAll(() => h?.close());

async function storedCount(): Promise<number> {
  const res = await h.trpc<{ messages: Message[] }>('messages.history', { conversationId, limit: 100 }, { cookie: alice.cookie, method: 'GET' });
  return res.data!.messages.length;
}

describe('bad input at the WebSocket edge', () => {
  it('answers malformed JSON, unknown types, schema failures and binary frames with error frames', async () => {
    const a = await h.connect(alice);
    a.send('{"type":"chat_send",');
    expect((await a.next('error', (f) => f.code === 'bad_json')).retryable).toBe(false);
    a.send(JSON.stringify({ type: 'chat_explode' }));
    expect((await a.next('error', (f) => f.code === 'unknown_type')).ref).toBe('chat_explode');
    a.send(JSON.stringify({ type: 'chat_send', clientId: 'client-bad-1', conversationId, body: 'x'.repeat(4001) }));
    const tooLong = await a.next('error', (f) => f.code === 'bad_frame');
    expect(tooLong.ref).toBe('client-bad-1');
    expect(tooLong.message).toMatch(/body/);
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await a.next('error', (f) => f.code === 'binary_unsupported');
    expect(await storedCount()).toBe(0);
    // The same socket still works.
    a.send({ type: 'chat_send', clientId: 'client-good-1', conversationId, body: 'fine' });
    expect(ackedMessage(await a.next('chat_ack')).seq).toBe(1);
  });

  it('closes an oversized frame with 1009 and other users are unaffected', async () => {
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    a.send(JSON.stringify({ type: 'ping', nonce: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect((await a.closed).code).toBe(CLOSE_CODES.too_big.code);
    b.send({ type: 'chat_send', clientId: 'client-bob-after', conversationId, body: 'still here' });
    expect((await b.next('chat_ack')).duplicate).toBe(false);
  });

  it('requires hello first, refuses other versions with 4002, and times out silent sockets with 4003', async () => {
    const raw = await openSocket(h.wsUrl, { cookie: alice.cookie, origin: h.origin });
    raw.send({ type: 'chat_send', clientId: 'client-early-1', conversationId, body: 'too early' });
    expect((await raw.next('error')).code).toBe('hello_required');
    raw.send({ type: 'hello', protocol: 999 });
    expect((await raw.next('error', (f) => f.code === 'version_unsupported')).ref).toBe('hello');
    expect((await raw.closed).code).toBe(CLOSE_CODES.version_unsupported.code);

    const silent = await openSocket(h.wsUrl, { cookie: alice.cookie, origin: h.origin });
    expect((await silent.closed).code).toBe(CLOSE_CODES.hello_timeout.code);
  });

  it('closes sockets without a valid session with 4001', async () => {
    for (const cookie of [undefined, 'parley_session=not-a-token', `parley_session=${'A'.repeat(43)}`]) {
      const socket = await openSocket(h.wsUrl, { cookie, origin: h.origin });
      expect((await socket.next('error')).code).toBe('unauthorized');
      expect((await socket.closed).code).toBe(CLOSE_CODES.unauthorized.code);
    }
  });

  it('refuses a disallowed Origin before the upgrade', async () => {
    await expect(openSocket(h.wsUrl, { cookie: alice.cookie, origin: 'http://evil.example' })).rejects.toThrow(/HTTP 403/);
    // Prefix tricks don't pass an exact allowlist.
    await expect(openSocket(h.wsUrl, { cookie: alice.cookie, origin: `${h.origin}.evil.example` })).rejects.toThrow(/HTTP 403/);
  });

  it('rate-limits sends with retryAfterMs and stores nothing beyond the limit', async () => {
    const a = await h.connect(alice);
    const before = await storedCount();
    const ids = Array.from({ length: 60 }, (_, i) => `client-flood-${i}`);
    for (const clientId of ids) a.send({ type: 'chat_send', clientId, conversationId, body: 'flood' });
    const limited = await a.next('error', (f) => f.code === 'rate_limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryable).toBe(true);
    const acked = () => a.frames.filter((f) => f.type === 'chat_ack').length;
    const refused = () => a.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited').length;
    await vi.waitFor(() => expect(acked() + refused()).toBe(ids.length), { timeout: 10_000 });
    expect(refused()).toBeGreaterThan(0);
    expect(await storedCount()).toBe(before + acked());
  });

  it('closes a socket that floods frames of any type with 4009', async () => {
    const a = await h.connect(alice);
    for (let i = 0; i < 400; i++) a.send({ type: 'ping' });
    expect((await a.closed).code).toBe(CLOSE_CODES.rate_limited.code);
  });

  it('closes the sockets of a session that signs out with 4001, and only those', async () => {
    const second = await h.trpc<unknown>('auth.signIn', { handle: 'bob', password: 'correct horse battery' });
    const otherSession: TestUser = { user: bob.user, cookie: second.setCookie!.split(';')[0]! };
    const b1 = await h.connect(bob);
    const b2 = await h.connect(otherSession);
    const out = await h.trpc('auth.signOut', {}, { cookie: otherSession.cookie });
    expect(out.status).toBe(200);
    expect(await b2.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    expect(b1.ws.readyState).toBe(WebSocket.OPEN);
    // The revoked cookie no longer opens sockets or calls the API.
    const again = await openSocket(h.wsUrl, { cookie: otherSession.cookie, origin: h.origin });
    expect((await again.closed).code).toBe(CLOSE_CODES.unauthorized.code);
    expect((await h.trpc('auth.me', undefined, { cookie: otherSession.cookie, method: 'GET' })).data).toBeNull();
  });
});
