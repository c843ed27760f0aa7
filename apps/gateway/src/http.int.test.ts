import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicUser } from '@parley/protocol';
import { loadConfig } from './config.ts';
import { startHarness, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('HTTP API', () => {
  it('signs up with an HttpOnly SameSite session cookie and answers me', async () => {
    const res = await h.trpc<{ user: PublicUser }>('auth.signUp', { handle: 'Carol', displayName: 'Carol C', password: 'long enough pw' });
    expect(res.status).toBe(200);
    expect(res.data?.user).toMatchObject({ handle: 'carol', displayName: 'Carol C' });
    expect(res.setCookie).toMatch(/^parley_session=[A-Za-z0-9_-]{43};/);
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/SameSite=Lax/);
    const cookie = res.setCookie!.split(';')[0]!;
    const me = await h.trpc<{ user: PublicUser }>('auth.me', undefined, { cookie, method: 'GET' });
    expect(me.data?.user.handle).toBe('carol');
  });

  it('refuses a taken handle (409) and a wrong password (401) with clear messages', async () => {
    await h.signUp('dave');
    const taken = await h.trpc('auth.signUp', { handle: 'dave', displayName: 'Other', password: 'long enough pw' });
    expect(taken.status).toBe(409);
    expect(taken.error?.message).toBe('That handle is taken');
    expect(taken.error?.data.appCode).toBe('handle_taken');
    const wrong = await h.trpc('auth.signIn', { handle: 'dave', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.error?.message).toBe('Wrong handle or password');
    const unknown = await h.trpc('auth.signIn', { handle: 'nobody', password: 'not the password' });
    expect(unknown.error?.message).toBe('Wrong handle or password');
  });

  it('reports field errors for invalid sign-up input', async () => {
    const res = await h.trpc('auth.signUp', { handle: 'x', displayName: '', password: 'short' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.error?.data.fieldErrors ?? {}).sort()).toEqual(['displayName', 'handle', 'password']);
  });

  it('refuses mutations without the CSRF header or from a foreign origin', async () => {
    const noHeader = await h.trpc('auth.signUp', { handle: 'erin', displayName: 'Erin', password: 'long enough pw' }, { headers: { 'x-parley-csrf': '' } });
    expect(noHeader.status).toBe(403);
    const foreign = await h.trpc('auth.signUp', { handle: 'erin', displayName: 'Erin', password: 'long enough pw' }, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    // Nothing was created: the handle is still free.
    expect((await h.trpc('auth.signUp', { handle: 'erin', displayName: 'Erin', password: 'long enough pw' })).status).toBe(200);
  });

  it('answers a batch of 200 calls, and refuses a longer list of procedures with 414 and a reason', async () => {
    const { cookie } = await h.signUp('batcher');
    const batchOf = (count: number) => `${h.origin}/trpc/${Array.from({ length: count }, () => 'auth.me').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`;
    const many = await fetch(batchOf(200), { headers: { cookie } });
    expect(many.status).toBe(200);
    const answers = (await many.json()) as Array<{ result?: { data: { user: PublicUser } } }>;
    expect(answers).toHaveLength(200);
    expect(answers.every((a) => a.result?.data.user.handle === 'batcher')).toBe(true);
    // 600 names are 4,799 characters: past MAX_TRPC_PATH (4,096).
    const tooMany = await fetch(batchOf(600), { headers: { cookie } });
    expect(tooMany.status).toBe(414);
    expect(await tooMany.json()).toMatchObject({ code: 'FST_ERR_MAX_PARAM_LENGTH', message: expect.stringMatching(/exceeding the max param length$/) as string });
  });

  it('protects procedures behind a session', async () => {
    const res = await h.trpc('conversations.list', undefined, { method: 'GET' });
    expect(res.status).toBe(401);
  });

  it('lists conversations by latest activity with preview and unread counts', async () => {
    const frank = await h.signUp('frank');
    const gina = await h.signUp('gina');
    const hank = await h.signUp('hank');
    const first = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: gina.user.id }, { cookie: frank.cookie });
    const second = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: hank.user.id }, { cookie: frank.cookie });
    // Opening again returns the same conversation.
    const again = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: frank.user.id }, { cookie: gina.cookie });
    expect(again.data?.conversationId).toBe(first.data?.conversationId);

    const g = await h.connect(gina);
    g.send({ type: 'chat_send', clientId: 'client-gina-1', conversationId: first.data!.conversationId, body: 'hey frank' });
    await g.next('chat_ack');
    type Summary = { id: string; unreadCount: number; lastMessage: { body: string; senderDisplayName: string } | null };
    const list = await h.trpc<Summary[]>('conversations.list', undefined, { cookie: frank.cookie, method: 'GET' });
    expect(list.data?.map((c) => c.id)).toEqual([first.data!.conversationId, second.data!.conversationId]);
    expect(list.data?.[0]).toMatchObject({ unreadCount: 1, lastMessage: { body: 'hey frank', senderDisplayName: 'Gina' } });
    const ginaList = await h.trpc<Summary[]>('conversations.list', undefined, { cookie: gina.cookie, method: 'GET' });
    expect(ginaList.data?.[0]?.unreadCount).toBe(0);

    // Paged: one at a time, the next page after the last item of the one before.
    type Paged = Summary & { lastActivityAt: string };
    const page1 = await h.trpc<Paged[]>('conversations.list', { limit: 1 }, { cookie: frank.cookie, method: 'GET' });
    expect(page1.data?.map((c) => c.id)).toEqual([first.data!.conversationId]);
    const before = { lastActivityAt: page1.data![0]!.lastActivityAt, id: page1.data![0]!.id };
    const page2 = await h.trpc<Paged[]>('conversations.list', { limit: 1, before }, { cookie: frank.cookie, method: 'GET' });
    expect(page2.data?.map((c) => c.id)).toEqual([second.data!.conversationId]);
    // Bad paging input: a clear 400 naming the field, never a partial list.
    for (const [input, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ limit: 5, before: { lastActivityAt: 'yesterday', id: first.data!.conversationId } }, 'before'],
      [{ limit: 5, before: { lastActivityAt: before.lastActivityAt, id: 'not-a-uuid' } }, 'before'],
    ] as const) {
      const refused = await h.trpc('conversations.list', input, { cookie: frank.cookie, method: 'GET' });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.error?.data.fieldErrors ?? {})).toContain(field);
    }
  });

  it('serves health and readiness, and no metrics to anyone by default', async () => {
    const base = `http://localhost:${h.server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok' } });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });
});

describe('/metrics', () => {
  const TOKEN = 'metrics-token-for-the-test-0123';
  const isPrometheus = (text: string) => /^parley_ws_sockets \d+$/m.test(text) && /parley_messages_committed_total \d+/.test(text);

  it('with METRICS_TOKEN: only a scrape that carries the token gets them', async () => {
    const tokened = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
    try {
      const url = `http://localhost:${tokened.server.port}/metrics`;
      const none = await fetch(url);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: TOKEN } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(isPrometheus(await ok.text())).toBe(true);
    } finally {
      await tokened.close();
    }
  });

  it('with METRICS_PORT: served on that listener alone, never on the public one', async () => {
    const split = await startHarness({ env: { METRICS_PORT: '0' } });
    try {
      expect((await fetch(`http://localhost:${split.server.port}/metrics`)).status).toBe(404);
      const port = split.server.metricsPort;
      expect(port).toBeGreaterThan(0);
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scraped.status).toBe(200);
      expect(isPrometheus(await scraped.text())).toBe(true);
      // Nothing else lives there: no API, no UI.
      expect((await fetch(`http://127.0.0.1:${port}/trpc/auth.me`)).status).toBe(404);
    } finally {
      await split.close();
    }
  });

  it('refuses a token too short to be a secret, at start', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });
});
