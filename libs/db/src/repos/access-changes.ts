import type { Db } from '../client/create-db.ts';

/**
 * One row of the access log (`access_changes`, written by triggers in the transaction of the
 * change): *that* something changed for this user and conversation, or this session. What is
 * true now is read separately (`membershipsAmong`, `activeSessionsAmong`), so a reader may apply
 * rows late, twice or in any order and still end in the right state.
 */
export type AccessChange =
  | { id: number; kind: 'membership'; userId: string; conversationId: string }
  | { id: number; kind: 'session'; userId: string; sessionId: string };

interface AccessChangeRow {
  id: string;
  kind: 'membership' | 'session';
  user_id: string;
  conversation_id: string | null;
  session_id: string | null;
}

/** The id of the newest row (0 when empty): where a node that just started begins reading. */
export async function accessLogHead(db: Db): Promise<number> {
  const { rows } = await db.pool.query<{ head: string }>('SELECT coalesce(max(id), 0)::text AS head FROM access_changes');
  return Number(rows[0]?.head ?? 0);
}

/**
 * Rows with `id > afterId`, oldest first. Rows commit in id order (the triggers serialise on an
 * advisory lock at commit), so nothing below the last id read can still appear.
 */
export async function accessChangesAfter(db: Db, afterId: number, limit: number): Promise<AccessChange[]> {
  const { rows } = await db.pool.query<AccessChangeRow>(
    `SELECT id::text AS id, kind::text AS kind, user_id::text AS user_id,
            conversation_id::text AS conversation_id, session_id::text AS session_id
       FROM access_changes WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  return rows.flatMap((row): AccessChange[] => {
    const id = Number(row.id);
    if (row.kind === 'membership' && row.conversation_id) {
      return [{ id, kind: 'membership', userId: row.user_id, conversationId: row.conversation_id }];
    }
    if (row.kind === 'session' && row.session_id) return [{ id, kind: 'session', userId: row.user_id, sessionId: row.session_id }];
    return [];
  });
}

/** `"<conversationId> <userId>"` for every pair among `pairs` that is a membership now. */
export async function membershipsAmong(
  db: Db,
  pairs: ReadonlyArray<{ userId: string; conversationId: string }>,
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const { rows } = await db.pool.query<{ pair: string }>(
    `SELECT m.conversation_id::text || ' ' || m.user_id::text AS pair
       FROM unnest($1::uuid[], $2::uuid[]) AS p(conversation_id, user_id)
       JOIN members m ON m.conversation_id = p.conversation_id AND m.user_id = p.user_id`,
    [pairs.map((p) => p.conversationId), pairs.map((p) => p.userId)],
  );
  return new Set(rows.map((r) => r.pair));
}

/** The ids among `sessionIds` that are still usable now: not revoked, not expired, not deleted. */
export async function activeSessionsAmong(db: Db, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const { rows } = await db.pool.query<{ id: string }>(
    'SELECT id::text AS id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()',
    [sessionIds],
  );
  return new Set(rows.map((r) => r.id));
}

/** Deletes rows older than `olderThanMs`; returns how many. Safe on many nodes at once. */
export async function pruneAccessChanges(db: Db, olderThanMs: number): Promise<number> {
  const { rowCount } = await db.pool.query(
    "DELETE FROM access_changes WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)",
    [olderThanMs],
  );
  return rowCount ?? 0;
}
