import { mentionedHandles } from '@parley/protocol';
import type { Query } from '../client/transaction.ts';

/**
 * The member ids each body mentions (`@handle` of a current member of its conversation), in
 * order of first mention. One query for all items, and none when no body has an `@handle`.
 */
export async function resolveMentions(
  query: Query,
  items: ReadonlyArray<{ conversationId: string; body: string }>,
): Promise<string[][]> {
  const handles = items.map((item) => mentionedHandles(item.body));
  const wanted = [...new Set(handles.flat())];
  if (wanted.length === 0) return items.map(() => []);
  const conversationIds = [...new Set(items.map((item) => item.conversationId))];
  const rows = await query<{ cid: string; handle: string; id: string }>(
    `SELECT m.conversation_id::text AS cid, u.handle, u.id::text AS id
       FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = ANY($1::uuid[]) AND u.handle = ANY($2::text[])`,
    [conversationIds, wanted],
  );
  const byKey = new Map(rows.map((row) => [`${row.cid} ${row.handle}`, row.id]));
  return items.map((item, index) =>
    (handles[index] ?? []).flatMap((handle) => {
      const id = byKey.get(`${item.conversationId} ${handle}`);
      return id === undefined ? [] : [id];
    }),
  );
}
