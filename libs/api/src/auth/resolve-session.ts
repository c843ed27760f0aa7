import { findActiveSession, type Db } from '@parley/db';
import type { PublicUser } from '@parley/protocol';
import { hashSessionToken } from './session-token.ts';

export interface ResolvedSession {
  id: string;
  user: PublicUser;
  expiresAt: Date;
}

// A token is 43 base64url chars; anything else cannot be one of ours, so skip the query.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Resolves a raw cookie token to its live session, or null (missing, malformed, expired, revoked). */
export async function resolveSession(
  db: Db,
  token: string | undefined,
): Promise<ResolvedSession | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const found = await findActiveSession(db, hashSessionToken(token));
  return found ? { id: found.session.id, user: found.user, expiresAt: new Date(found.session.expiresAt) } : null;
}
