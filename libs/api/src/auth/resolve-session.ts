import { findActiveSession, findSocketSession, type Db } from '@parley/db';
import type { PublicUser } from '@parley/protocol';
import { hashSessionToken } from './session-token.ts';

export interface ResolvedSession {
  id: string;
  user: PublicUser;
  expiresAt: Date;
}

// A token is 43 base64url chars; anything else cannot be one of ours, so skip the query.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The stored hash of a raw cookie token, or null when it cannot be one of ours (missing,
 * malformed): for queries that resolve the session themselves, in the same round trip.
 */
export function sessionTokenHash(token: string | undefined): string | null {
  return token && TOKEN_PATTERN.test(token) ? hashSessionToken(token) : null;
}

/** Resolves a raw cookie token to its live session, or null (missing, malformed, expired, revoked). */
export async function resolveSession(
  db: Db,
  token: string | undefined,
): Promise<ResolvedSession | null> {
  const tokenHash = sessionTokenHash(token);
  if (tokenHash === null) return null;
  const found = await findActiveSession(db, tokenHash);
  return found ? { id: found.session.id, user: found.user, expiresAt: new Date(found.session.expiresAt) } : null;
}

/** A socket's session with the user's conversations at the upgrade (one round trip): hello subscribes to them. */
export interface ResolvedSocketSession extends ResolvedSession {
  conversationIds: string[];
}

/** resolveSession for a WebSocket upgrade: the same checks, and the memberships in the same query. */
export async function resolveSocketSession(db: Db, token: string | undefined): Promise<ResolvedSocketSession | null> {
  const tokenHash = sessionTokenHash(token);
  if (tokenHash === null) return null;
  const found = await findSocketSession(db, tokenHash);
  return found ? { id: found.session.id, user: found.user, expiresAt: new Date(found.session.expiresAt), conversationIds: found.conversationIds } : null;
}
