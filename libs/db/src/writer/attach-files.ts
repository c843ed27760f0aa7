import type { Attachment, Message } from '@parley/protocol';
import type { Query } from '../client/transaction.ts';
import { isUuid } from '../repos/db-errors.ts';
import { ATTACHMENT_JSON } from '../repos/uploads.ts';

/** Pending upload id (lowercase) -> its uploader (lowercase). */
export type Attachable = Map<string, string>;

/**
 * Locks the pending uploads that `inputs` name, in id order (two batches never deadlock on
 * them), and returns them. A concurrent send of the same file waits for this transaction and
 * then finds it attached; the orphan sweep skips locked rows. No statement when nothing is named.
 */
export async function lockAttachable(query: Query, inputs: ReadonlyArray<{ attachments?: readonly string[] | undefined }>): Promise<Attachable> {
  const ids = [...new Set(inputs.flatMap((input) => input.attachments ?? []).filter(isUuid).map((id) => id.toLowerCase()))];
  if (ids.length === 0) return new Map();
  const rows = await query<{ id: string; uploader_id: string }>(
    `SELECT id::text AS id, uploader_id::text AS uploader_id FROM uploads
      WHERE id = ANY($1::uuid[]) AND state = 'pending' ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.uploader_id]));
}

/**
 * Attaches each message's uploads (locked by lockAttachable, in this transaction) in the order
 * given, and returns the messages that got files with their attachments. No statement when
 * no message has any.
 */
export async function attachFiles(
  query: Query,
  items: ReadonlyArray<{ message: Message; uploadIds: readonly string[] }>,
): Promise<Array<{ message: Message; attachments: Attachment[] }>> {
  if (items.length === 0) return [];
  const rows = items.flatMap(({ message, uploadIds }) => uploadIds.map((uploadId, position) => ({ uploadId, message, position })));
  const attached = await query<{ message_id: string; pos: number; attachment: Attachment }>(
    `UPDATE uploads u SET state = 'attached', message_id = v.mid, position = v.pos
       FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS v(uid, mid, pos)
      WHERE u.id = v.uid AND u.state = 'pending'
      RETURNING u.message_id::text AS message_id, v.pos, ${ATTACHMENT_JSON} AS attachment`,
    [rows.map((r) => r.uploadId), rows.map((r) => r.message.id), rows.map((r) => r.position)],
  );
  // Grouped by message in one pass, each group in the order given (its position): O(n log n).
  const byMessage = new Map<string, Array<{ pos: number; attachment: Attachment }>>();
  for (const row of attached) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push(row);
    byMessage.set(row.message_id, list);
  }
  return items.map(({ message }) => ({
    message,
    attachments: (byMessage.get(message.id) ?? []).sort((a, b) => a.pos - b.pos).map((row) => row.attachment),
  }));
}
