import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'parley_session';

/** 256 bits from the CSPRNG, URL-safe. Only its hash is stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
