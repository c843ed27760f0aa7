import { describe, expect, it } from 'vitest';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.ts';
import { hashSessionToken, newSessionToken } from './session-token.ts';
import { resolveSession } from './resolve-session.ts';
import type { Db } from '@parley/db';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).toBe(false);
  });

  it('treats a malformed stored hash as a failed check, not a crash', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
    await expect(burnPasswordCheck('anything')).resolves.toBeUndefined();
  });
});

describe('session tokens', () => {
  it('are 256-bit, URL-safe, unique, and stored only as a SHA-256 hex digest', () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashSessionToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(a)).toBe(hashSessionToken(a));
    expect(hashSessionToken(a)).not.toContain(a);
  });

  it('rejects missing and malformed tokens without touching the database', async () => {
    // Any database access would throw: these inputs must be refused before a query.
    const untouchable = new Proxy({}, { get: () => { throw new Error('database used'); } }) as Db;
    for (const token of [undefined, '', 'short', 'x'.repeat(43) + '!', `${'a'.repeat(42)}=`]) {
      expect(await resolveSession(untouchable, token)).toBeNull();
    }
  });
});
