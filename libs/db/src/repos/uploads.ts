import type { Attachment } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import type { Query } from '../client/transaction.ts';
import { isUuid } from './db-errors.ts';
import { visibleMessage } from './visibility.ts';

/** What the gateway knows of a file once its bytes are stored. */
export interface NewUpload {
  id: string;
  uploaderId: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  width: number | null;
  height: number | null;
  thumbnail: { width: number; height: number } | null;
}

/** A file as a download needs it. */
export interface StoredUpload {
  attachment: Attachment;
  sha256: string;
}

/** Columns of `uploads` aliased `u`, as one JSON attachment (the wire shape). */
export const ATTACHMENT_JSON = `json_build_object('id', u.id, 'name', u.name, 'size', u.size, 'mime', u.mime,
  'width', u.width, 'height', u.height,
  'thumbnail', CASE WHEN u.thumb_width IS NULL THEN NULL ELSE json_build_object('width', u.thumb_width, 'height', u.thumb_height) END)`;

/** Records a stored file as `pending`: its uploader's alone until a send attaches it. */
export async function createUpload(db: Db, upload: NewUpload): Promise<Attachment> {
  const { rowCount } = await db.pool.query(
    `INSERT INTO uploads (id, uploader_id, name, size, mime, sha256, width, height, thumb_width, thumb_height)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO NOTHING`,
    [
      upload.id,
      upload.uploaderId,
      upload.name,
      upload.size,
      upload.mime,
      upload.sha256,
      upload.width,
      upload.height,
      upload.thumbnail?.width ?? null,
      upload.thumbnail?.height ?? null,
    ],
  );
  if (rowCount === 0) {
    // One upload completed twice at the same moment (a direct upload finished on two nodes,
    // the same bytes stored under the same id): the second takes the first's row rather than
    // failing, since a failure removes the stored bytes that row points at. A statement of its
    // own, so it sees the row the other transaction committed while this insert waited on it.
    const { rows } = await db.pool.query<{ uploader_id: string; sha256: string; attachment: Attachment }>(
      `SELECT u.uploader_id::text AS uploader_id, u.sha256, ${ATTACHMENT_JSON} AS attachment FROM uploads u WHERE u.id = $1`,
      [upload.id],
    );
    const existing = rows[0];
    if (existing && existing.uploader_id === upload.uploaderId && existing.sha256 === upload.sha256) return existing.attachment;
    throw new Error(`upload ${upload.id} exists already with other content`);
  }
  return { id: upload.id, name: upload.name, size: upload.size, mime: upload.mime, width: upload.width, height: upload.height, thumbnail: upload.thumbnail };
}

/**
 * A download, authorized in one round trip: the live session of `tokenHash` (neither revoked
 * nor expired), and the file `uploadId` if that session's user may download it now: their own
 * upload not yet sent, or a file on a message that is not deleted, in a conversation they are
 * a member of, at a seq their history visibility lets them see (PROTOCOL.md §7.6). Read from
 * Postgres on every request, so a removal or a sign-out on any node counts at once.
 * `session: false`: no such live session (401); `file: null`: nothing this user may have (404).
 */
export async function fileForDownload(db: Db, tokenHash: string, uploadId: string): Promise<{ session: false } | { session: true; file: StoredUpload | null }> {
  const { rows } = await db.pool.query<{ attachment: Attachment | null; sha256: string | null }>(
    `SELECT f.attachment, f.sha256
       FROM sessions s
       LEFT JOIN LATERAL (
         SELECT ${ATTACHMENT_JSON} AS attachment, u.sha256
           FROM uploads u LEFT JOIN messages m ON m.id = u.message_id
          WHERE u.id = $2::uuid
            AND ((u.state = 'pending' AND u.uploader_id = s.user_id)
              OR (u.state = 'attached' AND m.deleted_at IS NULL
                  AND EXISTS (SELECT 1 FROM members mb WHERE mb.conversation_id = m.conversation_id AND mb.user_id = s.user_id)
                  AND ${visibleMessage('m', 's.user_id')}))) f ON true
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    // An id that is no UUID names no file: still one query, to tell 401 from 404.
    [tokenHash, isUuid(uploadId) ? uploadId : null],
  );
  const [row] = rows;
  if (!row) return { session: false };
  return { session: true, file: row.attachment && row.sha256 ? { attachment: row.attachment, sha256: row.sha256 } : null };
}

/**
 * Marks a deleted message's files `discarded`: downloads stop in this transaction, and the
 * sweep removes the bytes. Called by the delete action, under the conversation's lock.
 */
export async function discardAttachments(query: Query, messageId: string): Promise<void> {
  await query(`UPDATE uploads SET state = 'discarded' WHERE message_id = $1 AND state = 'attached'`, [messageId]);
}

/**
 * Claims up to `limit` files for removal and returns their ids: uploads never sent and older
 * than `pendingBefore` (claimed here: a send that comes later finds them gone, `not_found`),
 * discarded ones, and attached ones whose message no longer exists. The caller removes their
 * bytes, then `forgetUploads`.
 */
export async function claimUploadsToRemove(db: Db, pendingBefore: Date, limit: number): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    `WITH victims AS (
       SELECT id FROM uploads
        WHERE state = 'discarded'
           OR (state = 'pending' AND created_at < $1)
           OR (state = 'attached' AND message_id IS NULL)
        ORDER BY created_at LIMIT $2
        FOR UPDATE SKIP LOCKED
     )
     UPDATE uploads u SET state = 'discarded' FROM victims v WHERE u.id = v.id RETURNING u.id::text AS id`,
    [pendingBefore, limit],
  );
  return rows.map((row) => row.id);
}

/** Deletes the rows of discarded files whose bytes are gone. */
export async function forgetUploads(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.pool.query(`DELETE FROM uploads WHERE id = ANY($1::uuid[]) AND state = 'discarded'`, [ids]);
}

/**
 * The upload `id` and who made it, whatever became of it since (a second completion of a
 * direct upload answers what the first did); null when there is none (or it is being removed).
 */
export async function uploadWithUploader(db: Db, id: string): Promise<{ uploaderId: string; attachment: Attachment } | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.pool.query<{ uploader_id: string; attachment: Attachment }>(
    `SELECT u.uploader_id::text AS uploader_id, ${ATTACHMENT_JSON} AS attachment FROM uploads u WHERE u.id = $1 AND u.state <> 'discarded'`,
    [id],
  );
  const row = rows[0];
  return row ? { uploaderId: row.uploader_id, attachment: row.attachment } : null;
}
