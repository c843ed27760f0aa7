import type { Db } from '../client/create-db.ts';

/**
 * Which conversation a socket shows in a visible, focused window (presence_set.viewing), kept in
 * Postgres so every node's push decisions see every node's sockets. Written only when a socket
 * reports a change (people switch conversations and windows at human speed).
 */
export async function setActiveView(
  db: Db,
  view: { connectionId: string; userId: string; nodeId: string; conversationId: string | null },
): Promise<void> {
  if (view.conversationId === null) return clearActiveView(db, view.connectionId);
  await db.pool.query(
    `INSERT INTO active_views (connection_id, user_id, conversation_id, node_id, seen_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (connection_id) DO UPDATE SET conversation_id = $3, node_id = $4, seen_at = now()`,
    [view.connectionId, view.userId, view.conversationId, view.nodeId],
  );
}

export async function clearActiveView(db: Db, connectionId: string): Promise<void> {
  await db.pool.query('DELETE FROM active_views WHERE connection_id = $1', [connectionId]);
}

/**
 * The node's heartbeat for its views: renews the rows of the sockets it still holds, and
 * deletes its other rows (a socket whose clearing failed must not hold pushes back until the
 * node restarts). Then cleanup of the rows of nodes that stopped renewing theirs (crashed) once
 * they are `dropAfterMs` old.
 */
export async function renewActiveViews(db: Db, nodeId: string, heldConnectionIds: readonly string[], dropAfterMs: number): Promise<void> {
  await db.pool.query('DELETE FROM active_views WHERE node_id = $1 AND NOT (connection_id = ANY($2::uuid[]))', [nodeId, heldConnectionIds]);
  await db.pool.query('UPDATE active_views SET seen_at = now() WHERE node_id = $1', [nodeId]);
  await db.pool.query('DELETE FROM active_views WHERE seen_at < now() - make_interval(secs => $1::float8 / 1000)', [dropAfterMs]);
}

/** A node shutting down withdraws its sockets' views at once. */
export async function clearNodeViews(db: Db, nodeId: string): Promise<void> {
  await db.pool.query('DELETE FROM active_views WHERE node_id = $1', [nodeId]);
}
