import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer } from '@parley/realtime/testing';
import { sharedRedisScope } from './testing/redis-scope.ts';
import { startHarness, type Harness } from './testing/harness.ts';
import { trpcCall } from './testing/http-client.ts';

const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL && process.env.CI === 'true') throw new Error('TEST_REDIS_URL must be set in CI (the shared-throttle test needs Redis)');

// What signUpUser (testing/http-client.ts) signs everyone up with.
const PASSWORD = 'correct horse battery';
const unique = (prefix: string) => `${prefix}_${randomBytes(3).toString('hex')}`;

/** A sign-in over HTTP, with the Retry-After header when there is one. */
async function signIn(origin: string, handle: string, password: string) {
  const response = await fetch(`${origin}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin },
    body: JSON.stringify({ handle, password }),
  });
  const body = (await response.json()) as { error?: { data: { appCode?: string; retryAfterMs?: number } } };
  return { status: response.status, appCode: body.error?.data.appCode, retryAfterMs: body.error?.data.retryAfterMs, retryAfter: response.headers.get('retry-after') };
}

describe('sign-in, sign-up and search are throttled', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { SIGN_IN_PER_HANDLE: '3' },
    });
  });
  afterAll(() => h?.close());

  it('per handle: past the limit even the right password waits, each further try doubles the wait, and other handles are not locked', async () => {
    const victim = await h.signUp(unique('victim'));
    for (let i = 0; i < 3; i++) expect((await signIn(h.origin, victim.user.handle, 'wrong password')).status).toBe(401);
    const locked = await signIn(h.origin, victim.user.handle, PASSWORD);
    expect(locked).toMatchObject({ status: 429, appCode: 'rate_limited' });
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect(locked.retryAfterMs).toBeGreaterThan(0);
    const longer = await signIn(h.origin, victim.user.handle, PASSWORD);
    expect(longer.retryAfterMs).toBeGreaterThan(locked.retryAfterMs! * 1.5);
    // Someone else, from the same address, is not locked out by it.
    const other = await h.signUp(unique('other'));
    expect((await signIn(h.origin, other.user.handle, PASSWORD)).status).toBe(200);
  });

  it('per address: many handles from one address are stopped too, and a batch of sign-ins counts each', async () => {
    const fresh = await startHarness({ env: { SIGN_IN_PER_IP: '2' } });
    try {
      const batch = await fetch(`${fresh.origin}/trpc/auth.signIn,auth.signIn,auth.signIn?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin: fresh.origin },
        body: JSON.stringify({ 0: { handle: unique('nobody'), password: 'x' }, 1: { handle: unique('nobody'), password: 'x' }, 2: { handle: unique('nobody'), password: 'x' } }),
      });
      const answers = (await batch.json()) as Array<{ error?: { data: { appCode?: string } } }>;
      expect(answers.map((a) => a.error?.data.appCode).sort()).toEqual(['invalid_credentials', 'invalid_credentials', 'rate_limited']);
      expect((await signIn(fresh.origin, unique('nobody'), 'x')).status).toBe(429);
    } finally {
      await fresh.close();
    }
  });

  it('per address behind a trusted proxy: X-Forwarded-For names the client, and is ignored from anyone else', async () => {
    const signInFrom = (origin: string, forwardedFor: string) =>
      fetch(`${origin}/trpc/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin, 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ handle: unique('nobody'), password: 'x' }),
      }).then((r) => r.status);
    const proxied = await startHarness({ env: { SIGN_IN_PER_IP: '1', TRUST_PROXY: '127.0.0.1,::1' } });
    const direct = await startHarness({ env: { SIGN_IN_PER_IP: '1' } });
    try {
      // Through the (trusted, loopback) proxy: each client address has its own count.
      expect(await signInFrom(proxied.origin, '203.0.113.7')).toBe(401);
      expect(await signInFrom(proxied.origin, '203.0.113.7')).toBe(429);
      expect(await signInFrom(proxied.origin, '198.51.100.9')).toBe(401);
      // Not trusted: a forged header does not buy a fresh count.
      expect(await signInFrom(direct.origin, '203.0.113.7')).toBe(401);
      expect(await signInFrom(direct.origin, '198.51.100.9')).toBe(429);
    } finally {
      await direct.close();
      await proxied.close();
    }
  });

  it('per address for sign-ups', async () => {
    const fresh = await startHarness({ env: { SIGN_UP_PER_IP: '2' } });
    try {
      await fresh.signUp(unique('first'));
      await fresh.signUp(unique('second'));
      const handle = unique('third');
      const refused = await trpcCall(fresh.origin, 'auth.signUp', { handle, displayName: 'Third', password: PASSWORD });
      expect(refused).toMatchObject({ status: 429, error: { data: { appCode: 'rate_limited' } } });
      // Nothing was created: the handle is still free (a sign-in says wrong handle or password).
      expect(await signIn(fresh.origin, handle, PASSWORD)).toMatchObject({ status: 401, appCode: 'invalid_credentials' });
    } finally {
      await fresh.close();
    }
  });

  it('search needs three characters and is limited per user', async () => {
    const fresh = await startHarness({ env: { USER_SEARCH_PER_MINUTE: '2' } });
    try {
      const me = await fresh.signUp(unique('seeker'));
      const search = (query: string) => fresh.trpc('users.search', { query }, { cookie: me.cookie, method: 'GET' });
      expect(await search('ab')).toMatchObject({ status: 400 });
      expect((await search('see')).status).toBe(200);
      expect((await search('seek')).status).toBe(200);
      expect(await search('seeke')).toMatchObject({ status: 429, error: { data: { appCode: 'rate_limited' } } });
    } finally {
      await fresh.close();
    }
  });

  it('bounds the password hashing queue: a flood is refused with overloaded, not queued without end', async () => {
    const tight = await startHarness({ env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1' } });
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => signIn(tight.origin, unique('flood'), 'wrong password')));
      const codes = answers.map((a) => a.appCode);
      expect(codes).toContain('overloaded');
      expect(codes).toContain('invalid_credentials');
      for (const refused of answers.filter((a) => a.appCode === 'overloaded')) expect(refused).toMatchObject({ status: 503, retryAfterMs: 1000 });
    } finally {
      await tight.close();
    }
  });
});

describe.skipIf(!REDIS_URL)('with Redis, every node counts the same attempts', () => {
  it('refuses on node B the attempt that goes past the limit counted with node A', async () => {
    const scope = sharedRedisScope(REDIS_URL!);
    const env = { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: scope.keyPrefix, SIGN_IN_PER_HANDLE: '3' };
    const a = await startHarness({ env });
    const b = await startHarness({ env: { ...env, DATABASE_URL: a.databaseUrl } });
    try {
      const user = await a.signUp(unique('shared'));
      expect((await signIn(a.origin, user.user.handle, 'wrong')).status).toBe(401);
      expect((await signIn(a.origin, user.user.handle, 'wrong')).status).toBe(401);
      expect((await signIn(b.origin, user.user.handle, 'wrong')).status).toBe(401);
      expect(await signIn(b.origin, user.user.handle, PASSWORD)).toMatchObject({ status: 429, appCode: 'rate_limited' });
    } finally {
      await b.close();
      await a.close();
      await scope.clear();
    }
  });
});

describe('with its Redis down or hanging, a node still enforces the limits, on its own count', () => {
  it('refuses past the limit and answers at once while Redis is dead, and within about a second while it hangs', async () => {
    const redis = await startRedisServer();
    const h = await startHarness({ env: { REDIS_URL: redis.url, SIGN_IN_PER_HANDLE: '2' } });
    try {
      const user = await h.signUp(unique('outage'));
      const handle = user.user.handle;
      await redis.kill();
      const started = Date.now();
      expect((await signIn(h.origin, handle, 'wrong')).status).toBe(401);
      expect((await signIn(h.origin, handle, 'wrong')).status).toBe(401);
      expect(await signIn(h.origin, handle, PASSWORD)).toMatchObject({ status: 429, appCode: 'rate_limited' });
      // Not a hard bound on speed: a guard that the dead store is not waited for per attempt.
      expect(Date.now() - started).toBeLessThan(5000);

      // A hanging Redis: each attempt waits for the command timeout, then is counted locally.
      await redis.restart();
      // Back in use once attempts are counted in Redis again.
      const probe = new Redis(redis.url, { lazyConnect: true });
      try {
        await probe.connect();
        await expect
          .poll(async () => {
            const handle = unique('probe');
            await signIn(h.origin, handle, 'x');
            return (await probe.keys(`parley-throttle-*sign_in:handle:${handle}`)).length;
          }, { timeout: 15_000, interval: 200 })
          .toBe(1);
      } finally {
        probe.disconnect();
      }
      const other = await h.signUp(unique('hang'));
      redis.pause();
      try {
        const hangStarted = Date.now();
        expect((await signIn(h.origin, other.user.handle, 'wrong')).status).toBe(401);
        // It did wait for the hanging Redis (the command timeout), and no longer than that.
        expect(Date.now() - hangStarted).toBeGreaterThanOrEqual(900);
        expect((await signIn(h.origin, other.user.handle, 'wrong')).status).toBe(401);
        expect(await signIn(h.origin, other.user.handle, PASSWORD)).toMatchObject({ status: 429, appCode: 'rate_limited' });
      } finally {
        redis.resume();
      }
    } finally {
      await h.close();
      await redis.close();
    }
  });
});
