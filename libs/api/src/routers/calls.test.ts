import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRPCError } from '@trpc/server';
import type { Db } from '@parley/db';
import { appRouter } from '../app-router.ts';
import type { ApiContext } from '../context.ts';
import type { IceConfig } from '../calls/ice-servers.ts';

const USER_ID = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const NOW_MS = 1_750_000_000_000;
const SECRET = 'turn-shared-secret-for-tests';

/** Any property access throws: proves the procedure never touches the DB or the HTTP adapter. */
function untouchable<T>(name: string): T {
  return new Proxy({}, { get: (_t, key) => { throw new Error(`${name}.${String(key)} used`); } }) as T;
}

function context(ice: IceConfig, signedIn = true): ApiContext {
  return {
    db: untouchable<Db>('db'),
    events: untouchable<ApiContext['events']>('events'),
    cookie: untouchable<ApiContext['cookie']>('cookie'),
    session: signedIn
      ? { id: 'session-1', user: { id: USER_ID, handle: 'alice', displayName: 'Alice' } }
      : null,
    csrfOk: false, // a query must not need the CSRF header
    userAgent: undefined,
    ip: undefined,
    sessionTtlMs: 60_000,
    maxGroupMembers: 2_000,
    push: { publicKey: null, endpoints: { hosts: [], allowLoopback: false } },
    ice,
    passwords: untouchable<ApiContext['passwords']>('passwords'),
    throttle: untouchable<ApiContext['throttle']>('throttle'),
  };
}

const STUN = ['stun:stun.parley.test:3478'];
const TURN = { urls: ['turn:turn.parley.test:3478?transport=udp', 'turns:turn.parley.test:5349'], secret: SECRET, ttlSeconds: 600 };

describe('calls.iceServers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns STUN only, with no expiry, when TURN is not configured', async () => {
    const result = await appRouter.createCaller(context({ stunUrls: STUN, turn: null })).calls.iceServers();
    expect(result).toEqual({ iceServers: [{ urls: STUN }], expiresAt: null });
  });

  it('adds a TURN entry with an `<expiry>:<userId>` username and its HMAC-SHA1 credential', async () => {
    const result = await appRouter.createCaller(context({ stunUrls: STUN, turn: TURN })).calls.iceServers();
    const expiry = NOW_MS / 1000 + TURN.ttlSeconds;
    const username = `${expiry}:${USER_ID}`;
    // Recomputed here with node:crypto directly, independent of createTurnCredentials.
    const credential = createHmac('sha1', SECRET).update(username).digest('base64');
    expect(result).toEqual({
      iceServers: [{ urls: STUN }, { urls: TURN.urls, username, credential }],
      expiresAt: new Date(expiry * 1000).toISOString(),
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('omits an empty STUN entry rather than sending `urls: []`', async () => {
    const result = await appRouter.createCaller(context({ stunUrls: [], turn: TURN })).calls.iceServers();
    expect(result.iceServers).toHaveLength(1);
    expect(result.iceServers[0]?.username).toMatch(new RegExp(`^\\d+:${USER_ID}$`));
  });

  it('rejects an unauthenticated caller with UNAUTHORIZED', async () => {
    const call = appRouter.createCaller(context({ stunUrls: STUN, turn: TURN }, false)).calls.iceServers();
    await expect(call).rejects.toBeInstanceOf(TRPCError);
    await expect(call).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
