import { AppError } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUuid } from './db-errors.ts';

/**
 * Moves the member's read position to `seq`, clamped to the conversation's lastSeq and never
 * backwards, in one statement (concurrent devices cannot race it back). Returns the new value.
 */
export async function markRead(db: Db, input: { conversationId: string; userId: string; seq: number }): Promise<number> {
  if (!isUuid(input.conversationId) || !isUuid(input.userId)) throw new AppError('not_member');
  const rows = await db.prisma.$queryRaw<Array<{ last_read_seq: bigint | number }>>`
    UPDATE members AS m
       SET last_read_seq = GREATEST(m.last_read_seq, LEAST(${BigInt(Math.max(0, Math.floor(input.seq)))}::bigint, c.last_seq))
      FROM conversations AS c
     WHERE c.id = m.conversation_id
       AND m.conversation_id = ${input.conversationId}::uuid
       AND m.user_id = ${input.userId}::uuid
    RETURNING m.last_read_seq`;
  const row = rows[0];
  if (!row) throw new AppError('not_member');
  return Number(row.last_read_seq);
}
