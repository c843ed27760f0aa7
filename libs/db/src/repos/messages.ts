import { AppError } from '@parley/protocol';
import type { Message } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUuid } from './db-errors.ts';
import { toMessage } from './mappers.ts';

export interface MessagePage {
  /** Ascending seq. */
  messages: Message[];
  hasMore: boolean;
}

/** The newest `limit` messages before `beforeSeq` (or the newest overall); hasMore = older exist. */
export async function historyPage(
  db: Db,
  input: { conversationId: string; beforeSeq?: number; limit: number },
): Promise<MessagePage> {
  if (!isUuid(input.conversationId)) return { messages: [], hasMore: false };
  const rows = await db.prisma.message.findMany({
    where: {
      conversationId: input.conversationId,
      ...(input.beforeSeq === undefined ? {} : { seq: { lt: BigInt(input.beforeSeq) } }),
    },
    orderBy: { seq: 'desc' },
    take: input.limit + 1,
  });
  const hasMore = rows.length > input.limit;
  return { messages: rows.slice(0, input.limit).reverse().map(toMessage), hasMore };
}

/** Catch-up after a gap or reconnect: seq > afterSeq, oldest first; hasMore = ask again. */
export async function messagesAfter(
  db: Db,
  input: { conversationId: string; afterSeq: number; limit: number },
): Promise<MessagePage> {
  if (!isUuid(input.conversationId)) return { messages: [], hasMore: false };
  const rows = await db.prisma.message.findMany({
    where: { conversationId: input.conversationId, seq: { gt: BigInt(input.afterSeq) } },
    orderBy: { seq: 'asc' },
    take: input.limit + 1,
  });
  return { messages: rows.slice(0, input.limit).map(toMessage), hasMore: rows.length > input.limit };
}

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
