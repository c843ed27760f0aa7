import { describe, expect, it } from 'vitest';
import { ConfigError, defaultOrigins, defaultPasswordHashConcurrency, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to one loopback node with embedded Postgres and no TURN', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: 'localhost', databaseUrl: undefined, redisUrl: undefined, serveWeb: true });
    expect(config.ice).toEqual({ stunUrls: [], turn: null });
    expect(defaultOrigins(config, 3000)).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
  });

  it('hashes passwords on half the cores by default (at least one), so a sign-in flood leaves chat a core', () => {
    expect([1, 2, 3, 4, 16].map(defaultPasswordHashConcurrency)).toEqual([1, 1, 1, 2, 8]);
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: '3' }).passwordHashing.concurrency).toBe(3);
    expect(loadConfig({}).passwordHashing.concurrency).toBeGreaterThanOrEqual(1);
    expect(loadConfig({}).passwordHashing.share).toBe(0.5);
    expect(() => loadConfig({ PASSWORD_HASH_SHARE: '0' })).toThrow(ConfigError);
  });

  it('turns Web Push on with stored keys, the vendors\' push services and a subject from PUBLIC_URL', () => {
    const push = loadConfig({ PUBLIC_URL: 'https://chat.example.com/app' }).push!;
    expect(push).toMatchObject({ vapid: null, subject: 'https://chat.example.com', endpoints: { allowLoopback: false } });
    expect(push.endpoints.hosts).toContain('fcm.googleapis.com');
    expect(loadConfig({}).push!.subject).toBe('mailto:parley@localhost');
    expect(loadConfig({ PUSH_ENABLED: 'false' }).push).toBeNull();
    expect(loadConfig({ PUSH_ENDPOINT_HOSTS: '*' }).push!.endpoints.hosts).toBe('any');
    expect(loadConfig({ PUSH_ENDPOINT_HOSTS: 'Push.Example.org, other.example' }).push!.endpoints.hosts).toEqual(['push.example.org', 'other.example']);
    const keys = { VAPID_PUBLIC_KEY: `B${'A'.repeat(86)}`, VAPID_PRIVATE_KEY: 'A'.repeat(43) };
    expect(loadConfig(keys).push!.vapid).toEqual({ publicKey: keys.VAPID_PUBLIC_KEY, privateKey: keys.VAPID_PRIVATE_KEY });
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: keys.VAPID_PUBLIC_KEY })).toThrow('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together');
    expect(() => loadConfig({ ...keys, VAPID_PRIVATE_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ VAPID_SUBJECT: 'ops@example.org' })).toThrow('VAPID_SUBJECT is a mailto: address or an https: URL');
  });

  it('allows exactly the PUBLIC_URL origin and makes it the allowlist', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://chat.example.com/app' });
    expect(config.allowedOrigins).toEqual(['https://chat.example.com']);
  });

  it('derives STUN from the TURN hosts and keeps the secret server-side config only', () => {
    const config = loadConfig({
      TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turns:turn.example.com:5349?transport=tcp',
      TURN_SECRET: 'a-very-long-shared-secret',
    });
    expect(config.ice.stunUrls).toEqual(['stun:turn.example.com:3478', 'stun:turn.example.com:5349']);
    expect(config.ice.turn).toEqual({
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'],
      secret: 'a-very-long-shared-secret',
      ttlSeconds: 600,
    });
  });

  it('trusts X-Forwarded-For from no proxy by default, from any with true, or from listed addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toBe('127.0.0.1, 10.0.0.0/8,::1');
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
  });

  it('refuses bad values with a message naming each variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ TURN_URLS: 'turn:x:3478' })).toThrow(/TURN_SECRET/);
    expect(() => loadConfig({ TURN_URLS: 'turn:x:3478', TURN_SECRET: 'short' })).toThrow(/at least 16/);
    expect(() => loadConfig({ NODE_ID: 'has spaces' })).toThrow(/NODE_ID/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'ten' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '5' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '50' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '1e9' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });

  it('sizes the Postgres pool and bounds the wait for a connection', () => {
    expect(loadConfig({})).toMatchObject({ databasePoolSize: 10, databaseConnectTimeoutMs: 3000, databaseStatementTimeoutMs: 5000 });
    expect(
      loadConfig({ DATABASE_POOL_SIZE: '25', DATABASE_CONNECT_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: '8000' }),
    ).toMatchObject({
      databasePoolSize: 25,
      databaseConnectTimeoutMs: 1500,
      databaseStatementTimeoutMs: 8000,
    });
  });
});
