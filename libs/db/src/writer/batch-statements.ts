import { messageColumns } from '../repos/mappers.ts';
import { visibleMessage } from '../repos/visibility.ts';

/**
 * The two statements every batch of sends runs between BEGIN and COMMIT (commit-batch.ts).
 * They are fixed texts, run as named prepared statements: Postgres parses and plans each once
 * per connection, and the gateway sends only their parameters afterwards.
 */
export interface BatchStatement {
  name: string;
  text: string;
}

/**
 * Per input: an earlier message or action with the same (sender, clientId), whether its reply
 * target is a message of the same conversation that the sender may see, whether a direct
 * conversation's other person still exists; and, in the same round trip, the row locks of
 * every conversation the batch names. Locks are taken in id order so two nodes' batches can
 * never deadlock; the lock serialises seq allocation per conversation, which keeps seq gapless.
 * With SKIP LOCKED a conversation someone else holds is left out (`locked` false, `known`
 * true): its sends are deferred, not waited for. The lock is an uncorrelated sub-select, so
 * Postgres runs it once for the statement, whole, whatever the rows need.
 *
 * The membership check is NOT here: this statement's snapshot predates the locks it waits
 * for, so it could miss a removal committed meanwhile. It runs in the next statement.
 */
function lookupAndLock(skipLocked: boolean): BatchStatement {
  return {
    name: `parley_send_lookup_lock${skipLocked ? '_skip' : ''}`,
    text: `SELECT k.idx, msg.id::text AS message_id, ev.id::text AS event_id,
              (k.reply_to IS NULL OR rp.id IS NOT NULL) AS reply_ok,
              NOT EXISTS (SELECT 1 FROM conversations dc
                            JOIN members peer ON peer.conversation_id = dc.id AND peer.user_id <> k.sid
                            JOIN users pu ON pu.id = peer.user_id
                           WHERE dc.id = k.cid AND dc.kind = 'direct' AND pu.deleted_at IS NOT NULL) AS peer_ok,
              k.cid = ANY (ARRAY(SELECT c.id FROM conversations c WHERE c.id = ANY ($2::uuid[])
                                  ORDER BY c.id FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''})) AS locked,
              EXISTS (SELECT 1 FROM conversations kc WHERE kc.id = k.cid) AS known
         FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[]) AS k(idx, cid, sid, client_id, reply_to)
         LEFT JOIN messages msg ON msg.sender_id = k.sid AND msg.client_id = k.client_id
         LEFT JOIN messages rp ON rp.id = k.reply_to AND rp.conversation_id = k.cid AND ${visibleMessage('rp', 'k.sid')}
         LEFT JOIN message_events ev ON ev.actor_id = k.sid AND ev.client_id = k.client_id`,
  };
}

export const LOOKUP_AND_LOCK = { wait: lookupAndLock(false), skip: lookupAndLock(true) } as const;

/**
 * Inserts the batch's new messages, run after LOOKUP_AND_LOCK in the same transaction. Its
 * snapshot is taken after the locks were granted, so the membership join sees a removal
 * committed while we waited and nobody posts after "X removed you". Only members' rows get a
 * seq (a seq is never allocated to a row that is not inserted): per conversation, its
 * last_seq moves by the number of member rows, which take the seqs below it in submission
 * order (`idx`). In the same statement each sender's read mark moves to their newest message
 * (a sender has read their own message). Returns the inserted rows; an input missing from
 * them was refused as not a member.
 */
export const INSERT_MESSAGES: BatchStatement = {
  name: 'parley_send_insert',
  text: `WITH ok AS MATERIALIZED (
           SELECT v.*, row_number() OVER (PARTITION BY v.cid ORDER BY v.idx) AS rn, count(*) OVER (PARTITION BY v.cid) AS per_cid
             FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
                         $7::"MessageKind"[], $8::jsonb[], $9::uuid[], $10::text[])
                  AS v(idx, id, cid, sid, client_id, body, kind, meta, reply_to, mentions)
             JOIN members m ON m.conversation_id = v.cid AND m.user_id = v.sid
         ), bump AS (
           UPDATE conversations c SET last_seq = c.last_seq + n.per_cid, last_message_at = now()
             FROM (SELECT DISTINCT cid, per_cid FROM ok) AS n WHERE c.id = n.cid
           RETURNING c.id, c.last_seq
         ), ins AS (
           INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, meta, reply_to_id, mentions)
           SELECT ok.id, ok.cid, b.last_seq - ok.per_cid + ok.rn, ok.sid, ok.client_id, ok.body, ok.kind, ok.meta, ok.reply_to,
                  ok.mentions::uuid[]
             FROM ok JOIN bump b ON b.id = ok.cid
           RETURNING *
         ), marks AS (
           UPDATE members m SET last_read_seq = GREATEST(m.last_read_seq, x.seq)
             FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM ins GROUP BY 1, 2) AS x
            WHERE m.conversation_id = x.conversation_id AND m.user_id = x.sender_id
         )
         SELECT ${messageColumns('i', 'p', { reactions: false, attachments: false })} FROM ins i LEFT JOIN messages p ON p.id = i.reply_to_id`,
};
