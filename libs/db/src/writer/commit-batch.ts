import { randomUUID } from 'node:crypto';
import { AppError } from '@parley/protocol';
import type { CallEvent, Message } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { messageFromRow, type MessageRow } from '../repos/mappers.ts';

export interface SendInput {
  senderId: string;
  conversationId: string;
  clientId: string;
  body: string;
  /** Makes this a `call` message (a call's outcome in the history); body is then ''. */
  call?: CallEvent;
}

export type SendOutcome = { ok: true; message: Message; duplicate: boolean } | { ok: false; error: AppError };


/** A message row's columns as messageFromRow reads them, from the table aliased `alias`. */
const messageColumns = (alias: string) =>
  ['id', 'conversation_id', 'seq', 'sender_id', 'client_id', 'kind::text AS kind', 'body', 'meta', 'created_at']
    .map((column) => `${alias}.${column}`)
    .join(', ');

const keyOf = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

/** Postgres ends a flush's statements after this long; its submits then get `unavailable`. */
const FLUSH_STATEMENT_TIMEOUT_MS = 20_000;

type Query = <R>(sql: string, params: unknown[]) => Promise<R[]>;

/** BEGIN (with the statement timeout, one round trip), `fn`, COMMIT; ROLLBACK on any error. */
async function inTransaction<T>(db: Db, fn: (query: Query) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${FLUSH_STATEMENT_TIMEOUT_MS}`);
    const result = await fn(async <R>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[]);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection whose rollback fails is broken: destroy it rather than pool it.
    const broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw error;
  }
}

interface LookupRow extends Partial<MessageRow> {
  idx: number;
  is_member: boolean;
}

/**
 * Commits one batch in one transaction and returns an outcome per input (same order).
 * Round trips: BEGIN; membership and existing clientIds; lock conversations; bump their
 * last_seq; insert with the senders' read marks; COMMIT. Plain pg on Prisma's pool: this
 * is the hottest path in Parley.
 */
export async function commitBatch(db: Db, inputs: readonly SendInput[]): Promise<{ outcomes: SendOutcome[]; rows: number }> {
  return inTransaction(db, async (query) => {
    const outcomes: Array<SendOutcome | undefined> = inputs.map(() => undefined);

    // Membership and an earlier message with the same (sender, clientId), per input, at once.
    const lookups = await query<LookupRow>(
      `SELECT k.idx, (m.user_id IS NOT NULL) AS is_member, ${messageColumns('msg')}
         FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[]) AS k(idx, cid, sid, client_id)
         LEFT JOIN members m ON m.conversation_id = k.cid AND m.user_id = k.sid
         LEFT JOIN messages msg ON msg.sender_id = k.sid AND msg.client_id = k.client_id`,
      [inputs.map((_, i) => i), inputs.map((i) => i.conversationId), inputs.map((i) => i.senderId), inputs.map((i) => i.clientId)],
    );
    const byIndex = new Map(lookups.map((row) => [row.idx, row]));

    // New rows, in submission order; a clientId repeated in this batch is stored once.
    const fresh: number[] = [];
    const firstOfKey = new Map<string, number>();
    const repeats: Array<[index: number, first: number]> = [];
    inputs.forEach((input, index) => {
      const lookup = byIndex.get(index);
      if (!lookup?.is_member) {
        outcomes[index] = { ok: false, error: new AppError('not_member') };
        return;
      }
      if (lookup.id) {
        outcomes[index] = { ok: true, message: messageFromRow(lookup as MessageRow), duplicate: true };
        return;
      }
      const key = keyOf(input.senderId, input.clientId);
      const first = firstOfKey.get(key);
      if (first === undefined) {
        firstOfKey.set(key, index);
        fresh.push(index);
      } else {
        repeats.push([index, first]);
      }
    });

    if (fresh.length > 0) {
      const perConversation = new Map<string, number>();
      for (const index of fresh) {
        const cid = (inputs[index] as SendInput).conversationId;
        perConversation.set(cid, (perConversation.get(cid) ?? 0) + 1);
      }
      // Row locks taken in id order so two nodes' batches can never deadlock; the lock
      // serialises seq allocation per conversation, which keeps seq gapless.
      const conversationIds = [...perConversation.keys()].sort();
      await query('SELECT id FROM conversations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [conversationIds]);
      const bumped = await query<{ id: string; last_seq: string }>(
        `UPDATE conversations c SET last_seq = c.last_seq + v.n, last_message_at = now()
           FROM unnest($1::uuid[], $2::bigint[]) AS v(id, n)
          WHERE c.id = v.id
         RETURNING c.id::text, c.last_seq`,
        [conversationIds, conversationIds.map((id) => perConversation.get(id))],
      );
      const nextSeq = new Map<string, number>();
      for (const row of bumped) {
        nextSeq.set(row.id, Number(row.last_seq) - (perConversation.get(row.id) ?? 0) + 1);
      }

      const seqs = fresh.map((index) => {
        const cid = (inputs[index] as SendInput).conversationId;
        const seq = nextSeq.get(cid) as number;
        nextSeq.set(cid, seq + 1);
        return seq;
      });
      // The insert, and in the same statement each sender's read mark moved to their newest
      // message (a sender has read their own message).
      const inserted = await query<MessageRow>(
        `WITH ins AS (
           INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, meta)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[],
                                $7::"MessageKind"[], $8::jsonb[])
           RETURNING ${messageColumns('messages')}
         ), marks AS (
           UPDATE members m SET last_read_seq = GREATEST(m.last_read_seq, v.seq)
             FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM ins GROUP BY 1, 2) AS v
            WHERE m.conversation_id = v.conversation_id AND m.user_id = v.sender_id
         )
         SELECT * FROM ins`,
        [
          fresh.map(() => randomUUID()),
          fresh.map((i) => inputs[i]?.conversationId),
          seqs,
          fresh.map((i) => inputs[i]?.senderId),
          fresh.map((i) => inputs[i]?.clientId),
          fresh.map((i) => inputs[i]?.body),
          fresh.map((i) => (inputs[i]?.call ? 'call' : 'text')),
          fresh.map((i) => (inputs[i]?.call ? JSON.stringify(inputs[i]?.call) : null)),
        ],
      );
      const byKey = new Map(inserted.map((row) => [keyOf(row.sender_id, row.client_id), messageFromRow(row)]));
      for (const index of fresh) {
        const input = inputs[index] as SendInput;
        const message = byKey.get(keyOf(input.senderId, input.clientId)) as Message;
        outcomes[index] = { ok: true, message, duplicate: false };
      }
    }

    for (const [index, first] of repeats) {
      const original = outcomes[first];
      if (original?.ok) outcomes[index] = { ok: true, message: original.message, duplicate: true };
    }

    return {
      outcomes: outcomes.map((o) => o ?? { ok: false, error: new AppError('internal') }),
      rows: fresh.length,
    };
  });
}
