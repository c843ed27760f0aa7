import { randomUUID } from 'node:crypto';
import { AppError } from '@parley/protocol';
import type { CallEvent, KnownEvent, Message, SystemEvent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction } from '../client/transaction.ts';
import { MESSAGE_FROM, messageColumns, messageFromRow, type MessageRow } from '../repos/mappers.ts';
import { eventsByIds } from '../repos/event-reads.ts';
import { resolveMentions } from './mentions.ts';
import { restrictedAudience, type Audience } from './audience.ts';
import { visibleMessage } from '../repos/visibility.ts';

export interface SendInput {
  senderId: string;
  conversationId: string;
  clientId: string;
  body: string;
  /** The id of a message in the same conversation that this one replies to. */
  replyTo?: string;
  /** Makes this a `call` message (a call's outcome in the history); body is then ''. */
  call?: CallEvent;
  /** Makes this a `system` message (a change to the conversation); body is then ''. */
  system?: SystemEvent;
}

/**
 * `message` is set for a new message or a retried send; `event` when the clientId had been used
 * by another kind of action (edit, reaction...): the retry answers with that original event.
 */
export type SendOutcome =
  | { ok: true; message: Message; duplicate: boolean; audience?: Audience }
  | { ok: true; event: KnownEvent; duplicate: true }
  | { ok: false; error: AppError };

export interface CommitBatchOptions {
  /**
   * `wait` (default) waits for each conversation's row lock. `skip` takes only the locks that
   * are free and defers the sends of conversations someone else holds (see `deferred`).
   */
  lock?: 'wait' | 'skip';
}

export interface BatchResult {
  /** One per input; for a deferred input, a placeholder (`internal`) that must be ignored. */
  outcomes: SendOutcome[];
  /** Inputs not attempted because their conversation was locked (only with lock: 'skip'). */
  deferred: number[];
  rows: number;
}

/** Conversation ids compared as Postgres prints them. */
const cidOf = (input: SendInput) => input.conversationId.toLowerCase();

const keyOf = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

interface LookupRow {
  idx: number;
  message_id: string | null;
  event_id: string | null;
  reply_ok: boolean;
  /** False for a direct conversation whose other person deleted their account. */
  peer_ok: boolean;
}

const kindOf = (input: SendInput) => (input.call ? 'call' : input.system ? 'system' : 'text');
const metaOf = (input: SendInput) => (input.call ? JSON.stringify(input.call) : input.system ? JSON.stringify(input.system) : null);

/**
 * Commits one batch of new messages in one transaction and returns an outcome per input (same
 * order). Round trips: BEGIN; existing clientIds and reply targets; member handles (only when
 * a body mentions someone); lock conversations; re-check membership and bump their last_seq;
 * insert with the senders' read marks; COMMIT. Plain pg on Prisma's pool: this is the hottest
 * path in Parley. One bad input (not a member, a reply to a foreign message) fails alone.
 */
export async function commitBatch(db: Db, inputs: readonly SendInput[], options: CommitBatchOptions = {}): Promise<BatchResult> {
  return inTransaction(db, async (query) => {
    const outcomes: Array<SendOutcome | undefined> = inputs.map(() => undefined);
    const deferred: number[] = [];

    // An earlier message or action with the same (sender, clientId), and whether the reply
    // target is a message of the same conversation, per input, at once. Ids only: full rows are
    // read below for the rare duplicates.
    const lookups = await query<LookupRow>(
      `SELECT k.idx, msg.id::text AS message_id, ev.id::text AS event_id,
              (k.reply_to IS NULL OR rp.id IS NOT NULL) AS reply_ok,
              NOT EXISTS (SELECT 1 FROM conversations dc
                            JOIN members peer ON peer.conversation_id = dc.id AND peer.user_id <> k.sid
                            JOIN users pu ON pu.id = peer.user_id
                           WHERE dc.id = k.cid AND dc.kind = 'direct' AND pu.deleted_at IS NOT NULL) AS peer_ok
         FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[]) AS k(idx, cid, sid, client_id, reply_to)
         LEFT JOIN messages msg ON msg.sender_id = k.sid AND msg.client_id = k.client_id
         LEFT JOIN messages rp ON rp.id = k.reply_to AND rp.conversation_id = k.cid AND ${visibleMessage('rp', 'k.sid')}
         LEFT JOIN message_events ev ON ev.actor_id = k.sid AND ev.client_id = k.client_id`,
      [
        inputs.map((_, i) => i),
        inputs.map((i) => i.conversationId),
        inputs.map((i) => i.senderId),
        inputs.map((i) => i.clientId),
        inputs.map((i) => i.replyTo ?? null),
      ],
    );
    const byIndex = new Map(lookups.map((row) => [row.idx, row]));
    const duplicateIds = lookups.flatMap((row) => (row.message_id ? [row.message_id] : []));
    const originals =
      duplicateIds.length === 0
        ? new Map<string, Message>()
        : new Map(
            (await query<MessageRow>(`SELECT ${messageColumns('m', 'p')} FROM ${MESSAGE_FROM} WHERE m.id = ANY($1::uuid[])`, [duplicateIds])).map(
              (row) => [row.id, messageFromRow(row)],
            ),
          );

    // Candidates for new rows, in submission order; a clientId repeated in this batch is stored once.
    const fresh: number[] = [];
    const firstOfKey = new Map<string, number>();
    const repeats: Array<[index: number, first: number]> = [];
    const otherEvents = new Map<number, string>();
    inputs.forEach((input, index) => {
      const lookup = byIndex.get(index);
      const original = lookup?.message_id ? originals.get(lookup.message_id) : undefined;
      if (original) {
        outcomes[index] = { ok: true, message: original, duplicate: true };
        return;
      }
      if (lookup?.event_id) {
        otherEvents.set(index, lookup.event_id);
        return;
      }
      if (lookup && !lookup.peer_ok) {
        outcomes[index] = { ok: false, error: new AppError('invalid_input', 'This person deleted their account: nobody will read it') };
        return;
      }
      if (!lookup?.reply_ok) {
        outcomes[index] = { ok: false, error: new AppError('not_found', 'The message you reply to is not in this conversation') };
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

    if (otherEvents.size > 0) {
      const events = new Map((await eventsByIds(query, [...otherEvents.values()])).map((e) => [e.id, e.event]));
      for (const [index, eventId] of otherEvents) {
        const event = events.get(eventId);
        outcomes[index] = event ? { ok: true, event, duplicate: true } : { ok: false, error: new AppError('internal') };
      }
    }

    let stored = 0;
    if (fresh.length > 0) {
      const mentions = await resolveMentions(
        query,
        fresh.map((i) => {
          const input = inputs[i] as SendInput;
          return { conversationId: input.conversationId, body: kindOf(input) === 'text' ? input.body : '' };
        }),
      );
      const mentionsOf = new Map(fresh.map((index, k) => [index, mentions[k] ?? []]));

      // Row locks taken in id order so two nodes' batches can never deadlock; the lock
      // serialises seq allocation per conversation, which keeps seq gapless. With `skip`, a
      // conversation someone else holds locked is left out: its sends are deferred, not waited
      // for, so one busy or stuck conversation cannot hold up the others in this batch.
      const conversationIds = [...new Set(fresh.map((i) => cidOf(inputs[i] as SendInput)))].sort();
      const skip = options.lock === 'skip' ? ' SKIP LOCKED' : '';
      const locked = await query<{ id: string }>(
        `SELECT id::text AS id FROM conversations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE${skip}`,
        [conversationIds],
      );
      if (skip && locked.length < conversationIds.length) {
        const held = new Set(locked.map((row) => row.id));
        // Not locked by us: held by someone else, or no such conversation (not_member below).
        const busy = await query<{ id: string }>('SELECT id::text AS id FROM conversations WHERE id = ANY($1::uuid[])', [
          conversationIds.filter((id) => !held.has(id)),
        ]);
        const contended = new Set(busy.map((row) => row.id));
        for (const index of fresh) if (contended.has(cidOf(inputs[index] as SendInput))) deferred.push(index);
      }
      const ready = fresh.filter((index) => !deferred.includes(index));
      // Membership is checked after the lock, in a statement of its own (a fresh snapshot): a
      // removal committed while we waited is seen, so nobody posts after "X removed you".
      // Only members' messages get a seq: a seq is never allocated to a row that is not inserted.
      const [bump] = await query<{ ok_idx: number[]; bumped: Array<{ id: string; last_seq: number }> | null }>(
        `WITH ok AS (
           SELECT k.idx, k.cid FROM unnest($1::int[], $2::uuid[], $3::uuid[]) AS k(idx, cid, sid)
             JOIN members m ON m.conversation_id = k.cid AND m.user_id = k.sid
         ), n AS (SELECT cid, count(*)::int AS n FROM ok GROUP BY cid),
         bump AS (
           UPDATE conversations c SET last_seq = c.last_seq + n.n, last_message_at = now()
             FROM n WHERE c.id = n.cid
           RETURNING c.id::text AS id, c.last_seq
         )
         SELECT (SELECT COALESCE(array_agg(idx), '{}') FROM ok) AS ok_idx,
                (SELECT json_agg(json_build_object('id', id, 'last_seq', last_seq)) FROM bump) AS bumped`,
        [ready, ready.map((i) => inputs[i]?.conversationId), ready.map((i) => inputs[i]?.senderId)],
      );
      const members = new Set(bump?.ok_idx ?? []);
      const insert = ready.filter((index) => members.has(index));
      for (const index of ready) {
        if (!members.has(index)) outcomes[index] = { ok: false, error: new AppError('not_member') };
      }
      const perConversation = new Map<string, number>();
      for (const index of insert) {
        const cid = (inputs[index] as SendInput).conversationId;
        perConversation.set(cid, (perConversation.get(cid) ?? 0) + 1);
      }
      const nextSeq = new Map<string, number>();
      for (const row of bump?.bumped ?? []) {
        nextSeq.set(row.id, Number(row.last_seq) - (perConversation.get(row.id) ?? 0) + 1);
      }
      const seqs = insert.map((index) => {
        const cid = (inputs[index] as SendInput).conversationId;
        const seq = nextSeq.get(cid) as number;
        nextSeq.set(cid, seq + 1);
        return seq;
      });

      if (insert.length > 0) {
        // The insert, and in the same statement each sender's read mark moved to their newest
        // message (a sender has read their own message).
        const inserted = await query<MessageRow>(
          `WITH ins AS (
             INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, meta, reply_to_id, mentions)
             SELECT v.id, v.cid, v.seq, v.sid, v.client_id, v.body, v.kind, v.meta, v.reply_to, v.mentions::uuid[]
               FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[],
                           $7::"MessageKind"[], $8::jsonb[], $9::uuid[], $10::text[])
                    AS v(id, cid, seq, sid, client_id, body, kind, meta, reply_to, mentions)
             RETURNING *
           ), marks AS (
             UPDATE members m SET last_read_seq = GREATEST(m.last_read_seq, v.seq)
               FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM ins GROUP BY 1, 2) AS v
              WHERE m.conversation_id = v.conversation_id AND m.user_id = v.sender_id
           )
           SELECT ${messageColumns('i', 'p', { reactions: false })} FROM ins i LEFT JOIN messages p ON p.id = i.reply_to_id`,
          [
            insert.map(() => randomUUID()),
            insert.map((i) => inputs[i]?.conversationId),
            seqs,
            insert.map((i) => inputs[i]?.senderId),
            insert.map((i) => inputs[i]?.clientId),
            insert.map((i) => (kindOf(inputs[i] as SendInput) === 'text' ? inputs[i]?.body : '')),
            insert.map((i) => kindOf(inputs[i] as SendInput)),
            insert.map((i) => metaOf(inputs[i] as SendInput)),
            insert.map((i) => inputs[i]?.replyTo ?? null),
            insert.map((i) => `{${(mentionsOf.get(i) ?? []).join(',')}}`),
          ],
        );
        const byKey = new Map(inserted.map((row) => [keyOf(row.sender_id, row.client_id), messageFromRow(row)]));
        for (const index of insert) {
          const input = inputs[index] as SendInput;
          const message = byKey.get(keyOf(input.senderId, input.clientId)) as Message;
          outcomes[index] = { ok: true, message, duplicate: false };
        }
        stored = insert.length;
      }
    }

    for (const [index, first] of repeats) {
      if (deferred.includes(first)) {
        deferred.push(index);
        continue;
      }
      const original = outcomes[first];
      if (original?.ok && 'message' in original) outcomes[index] = { ok: true, message: original.message, duplicate: true };
      else if (original) outcomes[index] = original;
    }

    // A reply to a message some members may not see (history_visibility): they get it without
    // the excerpt. Rare, so looked up only for replies, in this transaction.
    for (const [index, outcome] of outcomes.entries()) {
      if (!outcome?.ok || !('message' in outcome) || outcome.message.replyTo === null) continue;
      const audience = await restrictedAudience(query, outcome.message.conversationId, outcome.message.replyTo.seq);
      if (audience) outcomes[index] = { ...outcome, audience };
    }

    return {
      outcomes: outcomes.map((o) => o ?? { ok: false, error: new AppError('internal') }),
      deferred: deferred.sort((a, b) => a - b),
      rows: stored,
    };
  });
}
