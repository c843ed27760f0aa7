import type { PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction, type Query } from '../client/transaction.ts';
import { isUuid } from './db-errors.ts';

export interface NewSession {
  userId: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
  userAgent?: string;
  /** The client's address, when the operator keeps it (shown on the Sessions page). */
  ip?: string;
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
      ip: input.ip ?? null,
      lastSeenAt: new Date(),
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

/**
 * A socket's start: findActiveSession and the user's conversations in one round trip (the
 * upgrade's lookup), so hello needs no query of its own to know what to subscribe to. A
 * prepared statement: a reconnect storm runs it thousands of times at once.
 */
const SOCKET_SESSION = {
  name: 'parley_socket_session',
  text: `SELECT s.id::text AS id, s.user_id::text AS user_id, s.expires_at, u.handle, u.display_name,
                ARRAY(SELECT m.conversation_id::text FROM members m WHERE m.user_id = s.user_id) AS conversation_ids
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
};

export async function findSocketSession(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionInfo; user: PublicUser; conversationIds: string[] } | null> {
  const { rows } = await db.pool.query<{ id: string; user_id: string; expires_at: Date; handle: string; display_name: string; conversation_ids: string[] }>({
    ...SOCKET_SESSION,
    values: [tokenHash],
  });
  const row = rows[0];
  if (!row) return null;
  return {
    session: { id: row.id, userId: row.user_id, expiresAt: row.expires_at.toISOString() },
    user: { id: row.user_id, handle: row.handle, displayName: row.display_name },
    conversationIds: row.conversation_ids,
  };
}

/** Idempotent: revoking twice keeps the first revocation time. */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** One of a user's live sessions, as the Sessions page lists it. */
export interface ActiveSession {
  id: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601 of the last request or socket seen with it (to within SESSION_TOUCH_EVERY_MS). */
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
}

/** `userId`'s sessions that are neither revoked nor expired, most recently used first. */
export async function listActiveSessions(db: Db, userId: string): Promise<ActiveSession[]> {
  if (!isUuid(userId)) return [];
  const { rows } = await db.pool.query<{ id: string; created_at: Date; last_seen_at: Date; expires_at: Date; user_agent: string | null; ip: string | null }>(
    `SELECT id::text AS id, created_at, coalesce(last_seen_at, created_at) AS last_seen_at, expires_at, user_agent, ip
       FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
      ORDER BY coalesce(last_seen_at, created_at) DESC, created_at DESC`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    userAgent: r.user_agent,
    ip: r.ip,
  }));
}

/**
 * Revokes one live session of `userId`. False when there is none by that id (someone else's,
 * already revoked or expired, or no such id): the caller answers not_found either way, so the
 * ids of other people's sessions cannot be probed.
 */
export async function revokeUserSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(sessionId)) return false;
  const { rowCount } = await db.pool.query(
    'UPDATE sessions SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()',
    [sessionId, userId],
  );
  return (rowCount ?? 0) > 0;
}

/** Revokes every live session of `userId` except `keepSessionId`; returns the ids revoked. */
export async function revokeOtherSessions(db: Db, userId: string, keepSessionId: string): Promise<string[]> {
  if (!isUuid(userId) || !isUuid(keepSessionId)) return [];
  return inTransaction(db, (query) => revokeOthersWith(query, userId, keepSessionId));
}

/** The same, on a transaction's connection (a password change revokes in its own transaction). */
export function revokeOthersWith(
  query: Query,
  userId: string,
  keepSessionId: string,
): Promise<string[]> {
  return query<{ id: string }>(
    `UPDATE sessions SET revoked_at = now()
      WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL AND expires_at > now() RETURNING id::text AS id`,
    [userId, keepSessionId],
  ).then((rows) => rows.map((r) => r.id));
}

/** Records that these sessions were just used. One statement for a node's whole batch. */
export async function touchSessions(db: Db, sessionIds: readonly string[]): Promise<void> {
  const ids = sessionIds.filter(isUuid);
  if (ids.length === 0) return;
  await db.pool.query('UPDATE sessions SET last_seen_at = now() WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL', [ids]);
}

/**
 * Deletes sessions revoked or expired more than `olderThanMs` ago, `batchSize` rows per
 * statement until none is left; returns how many. Safe on many nodes at once: each batch skips
 * rows another node is deleting (SKIP LOCKED) instead of waiting for them, and a row deleted
 * twice is simply not found the second time.
 */
export async function purgeSessions(db: Db, olderThanMs: number, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.pool.query(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions
          WHERE revoked_at < now() - make_interval(secs => $1::double precision / 1000)
             OR expires_at < now() - make_interval(secs => $1::double precision / 1000)
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [olderThanMs, batchSize],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return total;
  }
}
