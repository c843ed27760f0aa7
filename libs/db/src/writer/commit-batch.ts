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

/** Postgres gives up on a flush after this long; its submits then get `unavailable`. */
const FLUSH_TX_TIMEOUT_MS = 20_000;
/** How long a flush may wait for a pooled connection. */
const FLUSH_TX_MAX_WAIT_MS = 10_000;

const MESSAGE_COLUMNS = 'id, conversation_id, seq, sender_id, client_id, kind::text AS kind, body, meta, created_at';

const keyOf = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

/**
 * Commits one batch in one transaction and returns an outcome per input (same order).
 * Queries: membership, existing clientIds, lock + bump conversations, one insert, read marks.
 */
export async function commitBatch(db: Db, inputs: readonly SendInput[]): Promise<{ outcomes: SendOutcome[]; rows: number }> {
  return db.prisma.$transaction(
    async (tx) => {
      const outcomes: Array<SendOutcome | undefined> = inputs.map(() => undefined);

      const pairs = dedupe(inputs.map((i) => [i.conversationId, i.senderId] as const));
      const memberRows = await tx.$queryRawUnsafe<Array<{ conversation_id: string; user_id: string }>>(
        `SELECT m.conversation_id::text, m.user_id::text FROM members m
           JOIN unnest($1::uuid[], $2::uuid[]) AS p(cid, uid) ON m.conversation_id = p.cid AND m.user_id = p.uid`,
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
      const members = new Set(memberRows.map((r) => keyOf(r.conversation_id, r.user_id)));

      const candidates: number[] = [];
      inputs.forEach((input, index) => {
        if (members.has(keyOf(input.conversationId, input.senderId))) candidates.push(index);
        else outcomes[index] = { ok: false, error: new AppError('not_member') };
      });

      const existing = new Map<string, Message>();
      if (candidates.length > 0) {
        const rows = await tx.$queryRawUnsafe<MessageRow[]>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages m
             JOIN unnest($1::uuid[], $2::text[]) AS k(sid, cid) ON m.sender_id = k.sid AND m.client_id = k.cid`,
          candidates.map((i) => inputs[i]?.senderId),
          candidates.map((i) => inputs[i]?.clientId),
        );
        for (const row of rows) existing.set(keyOf(row.sender_id, row.client_id), messageFromRow(row));
      }

      // New rows, in submission order; a clientId repeated in this batch is stored once.
      const fresh: number[] = [];
      const firstOfKey = new Map<string, number>();
      const repeats: Array<[index: number, first: number]> = [];
      for (const index of candidates) {
        const input = inputs[index] as SendInput;
        const key = keyOf(input.senderId, input.clientId);
        const stored = existing.get(key);
        if (stored) {
          outcomes[index] = { ok: true, message: stored, duplicate: true };
          continue;
        }
        const first = firstOfKey.get(key);
        if (first === undefined) {
          firstOfKey.set(key, index);
          fresh.push(index);
        } else {
          repeats.push([index, first]);
        }
      }

      if (fresh.length > 0) {
        const perConversation = new Map<string, number>();
        for (const index of fresh) {
          const cid = (inputs[index] as SendInput).conversationId;
          perConversation.set(cid, (perConversation.get(cid) ?? 0) + 1);
        }
        // Row locks taken in id order so two nodes' batches can never deadlock; the lock
        // serialises seq allocation per conversation, which keeps seq gapless.
        const conversationIds = [...perConversation.keys()].sort();
        await tx.$queryRawUnsafe(
          'SELECT id FROM conversations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
          conversationIds,
        );
        const bumped = await tx.$queryRawUnsafe<Array<{ id: string; last_seq: bigint | number }>>(
          `UPDATE conversations c SET last_seq = c.last_seq + v.n, last_message_at = now()
             FROM unnest($1::uuid[], $2::bigint[]) AS v(id, n)
            WHERE c.id = v.id
           RETURNING c.id::text, c.last_seq`,
          conversationIds,
          conversationIds.map((id) => perConversation.get(id)),
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
        const inserted = await tx.$queryRawUnsafe<MessageRow[]>(
          `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, meta)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[],
                                $7::"MessageKind"[], $8::jsonb[])
           RETURNING ${MESSAGE_COLUMNS}`,
          fresh.map(() => randomUUID()),
          fresh.map((i) => inputs[i]?.conversationId),
          seqs,
          fresh.map((i) => inputs[i]?.senderId),
          fresh.map((i) => inputs[i]?.clientId),
          fresh.map((i) => inputs[i]?.body),
          fresh.map((i) => (inputs[i]?.call ? 'call' : 'text')),
          fresh.map((i) => (inputs[i]?.call ? JSON.stringify(inputs[i]?.call) : null)),
        );
        const byKey = new Map(inserted.map((row) => [keyOf(row.sender_id, row.client_id), messageFromRow(row)]));
        for (const index of fresh) {
          const input = inputs[index] as SendInput;
          const message = byKey.get(keyOf(input.senderId, input.clientId)) as Message;
          outcomes[index] = { ok: true, message, duplicate: false };
        }

        // A sender has read their own message: advance their read mark in the same commit.
        const readMarks = new Map<string, { cid: string; uid: string; seq: number }>();
        for (const message of byKey.values()) {
          const key = keyOf(message.conversationId, message.senderId);
          const mark = readMarks.get(key);
          if (!mark || mark.seq < message.seq) {
            readMarks.set(key, { cid: message.conversationId, uid: message.senderId, seq: message.seq });
          }
        }
        const marks = [...readMarks.values()];
        await tx.$executeRawUnsafe(
          `UPDATE members m SET last_read_seq = GREATEST(m.last_read_seq, v.seq)
             FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS v(cid, uid, seq)
            WHERE m.conversation_id = v.cid AND m.user_id = v.uid`,
          marks.map((m) => m.cid),
          marks.map((m) => m.uid),
          marks.map((m) => m.seq),
        );
      }

      for (const [index, first] of repeats) {
        const original = outcomes[first];
        if (original?.ok) outcomes[index] = { ok: true, message: original.message, duplicate: true };
      }

      return {
        outcomes: outcomes.map((o) => o ?? { ok: false, error: new AppError('internal') }),
        rows: fresh.length,
      };
    },
    { timeout: FLUSH_TX_TIMEOUT_MS, maxWait: FLUSH_TX_MAX_WAIT_MS },
  );
}

function dedupe<T extends readonly [string, string]>(pairs: T[]): T[] {
  const seen = new Map<string, T>();
  for (const pair of pairs) seen.set(keyOf(pair[0], pair[1]), pair);
  return [...seen.values()];
}
