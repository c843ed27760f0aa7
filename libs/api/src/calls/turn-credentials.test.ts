import { describe, expect, it } from 'vitest';
import { createTurnCredentials } from './turn-credentials.ts';

const USER_ID = '0b8f9a3e-8a0c-4c1e-9a43-5d2f1f0c7b11';

describe('createTurnCredentials', () => {
  it('matches a known-answer vector computed with openssl', () => {
    // printf '%s' '1700000600:0b8f9a3e-8a0c-4c1e-9a43-5d2f1f0c7b11' \
    //   | openssl dgst -sha1 -hmac 'parley-test-secret' -binary | base64
    const creds = createTurnCredentials({
      secret: 'parley-test-secret',
      userId: USER_ID,
      ttlSeconds: 600,
      now: new Date(1_700_000_000_000),
    });
    expect(creds.username).toBe(`1700000600:${USER_ID}`);
    expect(creds.credential).toBe('dtvdZ55YZKyQivAcjDZzUB/4tiI=');
    expect(creds.expiresAt.toISOString()).toBe(new Date(1_700_000_600_000).toISOString());
  });

  it('matches a second openssl vector (different secret and user)', () => {
    // printf '%s' '1700000000:alice' | openssl dgst -sha1 -hmac 'north' -binary | base64
    const creds = createTurnCredentials({
      secret: 'north',
      userId: 'alice',
      ttlSeconds: 1,
      now: new Date(1_699_999_999_999), // floors to ...999 s, + 1 s
    });
    expect(creds.username).toBe('1700000000:alice');
    expect(creds.credential).toBe('Cd/49soE35ICqcJF/bCTn8Z4OyE=');
  });

  it('changes the credential when the secret changes and never embeds the secret', () => {
    const base = { userId: USER_ID, ttlSeconds: 600, now: new Date(1_700_000_000_000) };
    const a = createTurnCredentials({ ...base, secret: 'secret-a' });
    const b = createTurnCredentials({ ...base, secret: 'secret-b' });
    expect(a.username).toBe(b.username);
    expect(a.credential).not.toBe(b.credential);
    expect(JSON.stringify(a)).not.toContain('secret-a');
  });

  it('rejects an empty secret, an empty user and a non-positive or fractional ttl', () => {
    const ok = { secret: 's', userId: 'u', ttlSeconds: 60 };
    expect(() => createTurnCredentials({ ...ok, secret: '' })).toThrow(/secret/);
    expect(() => createTurnCredentials({ ...ok, userId: '' })).toThrow(/userId/);
    expect(() => createTurnCredentials({ ...ok, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => createTurnCredentials({ ...ok, ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
  });
});
