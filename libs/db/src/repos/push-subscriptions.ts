import type { Db } from '../client/create-db.ts';
import { inTransaction } from '../client/transaction.ts';

export interface NewPushSubscription {
  userId: string;
  sessionId: string;
  endpoint: string;
  /** base64url, as PushSubscription.toJSON() gives them. */
  p256dh: string;
  auth: string;
}

/**
 * Stores a browser's subscription for the session that made it. The endpoint is unique: the
 * same browser subscribing again (after signing in as someone else, say) moves it to this
 * session and user. A session holds one subscription: a new endpoint replaces its old one,
 * which the browser no longer listens on.
 */
export async function savePushSubscription(db: Db, sub: NewPushSubscription): Promise<void> {
  await inTransaction(db, async (query) => {
    await query('DELETE FROM push_subscriptions WHERE session_id = $1 AND endpoint <> $2', [sub.sessionId, sub.endpoint]);
    await query(
      `INSERT INTO push_subscriptions (id, user_id, session_id, endpoint, p256dh, auth)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = $1, session_id = $2, p256dh = $4, auth = $5, created_at = now()`,
      [sub.userId, sub.sessionId, sub.endpoint, sub.p256dh, sub.auth],
    );
  });
}

/** Removes the user's subscription with that endpoint; false when there was none. */
export async function deletePushSubscription(db: Db, userId: string, endpoint: string): Promise<boolean> {
  const { rowCount } = await db.pool.query('DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2', [userId, endpoint]);
  return (rowCount ?? 0) > 0;
}

/** A signed-out or revoked session stops receiving pushes at once (its row would be purged later). */
export async function deletePushSubscriptionsOfSession(db: Db, sessionId: string): Promise<void> {
  await db.pool.query('DELETE FROM push_subscriptions WHERE session_id = $1', [sessionId]);
}

/** The push service said the subscription is gone (404/410). Both keys, so a row the id no longer names is never touched. */
export async function deleteGonePushSubscription(db: Db, id: string, endpoint: string): Promise<void> {
  await db.pool.query('DELETE FROM push_subscriptions WHERE id = $1 AND endpoint = $2', [id, endpoint]);
}

/** Whether anyone at all has push: a node without subscribers skips the per-event lookups. */
export async function anyPushSubscription(db: Db): Promise<boolean> {
  const { rows } = await db.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM push_subscriptions) AS any');
  return rows[0]?.any ?? false;
}

/** The server's VAPID key pair: the stored one, or `generate()`'s, stored first by whichever node wins. */
export async function vapidKeyPair(db: Db, generate: () => { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }> {
  const read = async () =>
    (await db.pool.query<{ public_key: string; private_key: string }>('SELECT public_key, private_key FROM vapid_keys WHERE id = 1')).rows[0];
  let row = await read();
  if (!row) {
    const fresh = generate();
    await db.pool.query('INSERT INTO vapid_keys (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [fresh.publicKey, fresh.privateKey]);
    row = await read();
  }
  if (!row) throw new Error('VAPID keys could not be stored');
  return { publicKey: row.public_key, privateKey: row.private_key };
}
