import type { PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';

export interface NewSession {
  userId: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
  userAgent?: string;
}

export interface SessionInfo {
  id: string;
  userId: string;
  /** ISO 8601. */
  expiresAt: string;
}

export async function createSession(db: Db, input: NewSession): Promise<SessionInfo> {
  const session = await db.prisma.session.create({
    data: {
      userId: input.userId,
      tokenHash: input.tokenHash,
      expiresAt: input.expiresAt,
      userAgent: input.userAgent ?? null,
    },
  });
  return { id: session.id, userId: session.userId, expiresAt: session.expiresAt.toISOString() };
}

/**
 * The session for a token hash if it is neither revoked nor expired, with its user. Plain pg:
 * every upgrade and every HTTP call starts here, a reconnect storm thousands of times at once.
 */
export async function findActiveSession(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionInfo; user: PublicUser } | null> {
  const { rows } = await db.pool.query<{ id: string; user_id: string; expires_at: Date; handle: string; display_name: string }>(
    `SELECT s.id::text AS id, s.user_id::text AS user_id, s.expires_at, u.handle, u.display_name
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    session: { id: row.id, userId: row.user_id, expiresAt: row.expires_at.toISOString() },
    user: { id: row.user_id, handle: row.handle, displayName: row.display_name },
  };
}

/** Idempotent: revoking twice keeps the first revocation time. */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}
