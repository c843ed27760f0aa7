import { randomUUID } from 'node:crypto';
import type { MessageCreatedEvent, SystemEvent } from '@parley/protocol';
import type { Query } from '../client/transaction.ts';
import { createdEventOf, messageColumns, messageFromRow, type MessageRow } from './mappers.ts';

/**
 * Appends a `system` message (a change to the conversation itself) to the log, inside the
 * caller's transaction, which must hold the conversation's row lock (SELECT ... FOR UPDATE):
 * the seq comes from the same counter as every other event. The actor's read mark moves to it,
 * as for any message of theirs.
 */
export async function appendSystemMessage(
  query: Query,
  input: { conversationId: string; actorId: string; system: SystemEvent },
): Promise<MessageCreatedEvent> {
  const [row] = await query<MessageRow>(
    `WITH bump AS (
       UPDATE conversations SET last_seq = last_seq + 1, last_message_at = now() WHERE id = $1 RETURNING last_seq
     ), ins AS (
       INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, meta)
       SELECT $2, $1, bump.last_seq, $3, $4, '', 'system', $5::jsonb FROM bump
       RETURNING *
     ), mark AS (
       UPDATE members m SET last_read_seq = GREATEST(m.last_read_seq, ins.seq)
         FROM ins WHERE m.conversation_id = ins.conversation_id AND m.user_id = ins.sender_id
     )
     SELECT ${messageColumns('i', 'p', { reactions: false, attachments: false })} FROM ins i LEFT JOIN messages p ON p.id = i.reply_to_id`,
    [input.conversationId, randomUUID(), input.actorId, `sys:${randomUUID()}`, JSON.stringify(input.system)],
  );
  if (!row) throw new Error('system message insert returned no row');
  return createdEventOf(messageFromRow(row));
}
