import { randomUUID } from 'node:crypto';
import { AppError } from '@parley/protocol';
import type { CallEvent, KnownEvent, Message, SystemEvent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction } from '../client/transaction.ts';
import { MESSAGE_FROM, messageColumns, messageFromRow, type MessageRow } from '../repos/mappers.ts';
import { INSERT_MESSAGES, LOOKUP_AND_LOCK } from './batch-statements.ts';
import { eventsByIds } from '../repos/event-reads.ts';
import { resolveMentions } from './mentions.ts';
import { restrictedAudience, type Audience } from './audience.ts';
import { attachFiles, lockAttachable, type Attachable } from './attach-files.ts';

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
  /** The sender's pending uploads to attach, in order (ids unique). */
  attachments?: readonly string[];
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

const keyOf = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

interface LookupRow {
  idx: number;
  message_id: string | null;
  event_id: string | null;
  reply_ok: boolean;
  /** False for a direct conversation whose other person deleted their account. */
  peer_ok: boolean;
  /** This transaction holds the conversation's row lock. */
  locked: boolean;
  /** The conversation exists (not locked and known: someone else holds it). */
  known: boolean;
}

/**
 * Takes `input`'s files out of `attachable` when every one is the sender's and still pending;
 * false (nothing taken) otherwise. Two sends of a batch naming one file: the first gets it.
 */
function claimFiles(attachable: Attachable, input: SendInput): boolean {
  const ids = (input.attachments ?? []).map((id) => id.toLowerCase());
  if (!ids.every((id) => attachable.get(id) === input.senderId.toLowerCase())) return false;
  for (const id of ids) attachable.delete(id);
  return true;
}

const kindOf = (input: SendInput) => (input.call ? 'call' : input.system ? 'system' : 'text');
const metaOf = (input: SendInput) => (input.call ? JSON.stringify(input.call) : input.system ? JSON.stringify(input.system) : null);

/**
 * Commits one batch of new messages in one transaction and returns an outcome per input (same
 * order). Round trips: BEGIN; existing clientIds and reply targets, and the conversations'
 * row locks; lock the named uploads (only when a send names files); member handles (only when
 * a body mentions someone); membership, seqs and the insert with the senders' read marks;
 * attach the files (only when some were named); COMMIT. So four for a batch of plain text,
 * whatever its size: every round trip costs the gateway a write and a read on its Postgres
 * socket, which under chat load was most of its CPU per message (tools/bench). Plain pg on
 * Prisma's pool, the two main statements prepared once per connection (batch-statements.ts);
 * attach-files.int.test.ts pins the statement count. One bad input (not a member, a reply to
 * a foreign message, someone else's file) fails alone.
 */
export async function commitBatch(db: Db, inputs: readonly SendInput[], options: CommitBatchOptions = {}): Promise<BatchResult> {
  return inTransaction(db, async (query) => {
    const outcomes: Array<SendOutcome | undefined> = inputs.map(() => undefined);
    const deferred: number[] = [];

    // Ids only: full rows are read below for the rare duplicates.
    const lookup = LOOKUP_AND_LOCK[options.lock === 'skip' ? 'skip' : 'wait'];
    const lookups = await query<LookupRow>(
      lookup.text,
      [
        inputs.map((_, i) => i),
        inputs.map((i) => i.conversationId),
        inputs.map((i) => i.senderId),
        inputs.map((i) => i.clientId),
        inputs.map((i) => i.replyTo ?? null),
      ],
      lookup.name,
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

    // The uploads the new sends name, locked, only when some send names any: a send without
    // files costs no statement here. After the conversations' locks, as in every transaction
    // that takes both, so none can deadlock with another.
    const attachable = await lockAttachable(
      query,
      inputs.filter((input, index) => input.attachments && !byIndex.get(index)?.message_id && !byIndex.get(index)?.event_id),
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
      if (first === undefined && !claimFiles(attachable, input)) {
        outcomes[index] = { ok: false, error: new AppError('not_found', 'A file to attach is not one of your uploads waiting to be sent') };
        return;
      }
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

      // The sends of a conversation someone else holds locked (only with lock: 'skip') wait for
      // a later flush; one busy or stuck conversation cannot hold up the others in this batch.
      for (const index of fresh) {
        const row = byIndex.get(index);
        if (row && !row.locked && row.known) deferred.push(index);
      }
      const ready = fresh.filter((index) => !deferred.includes(index));
      if (ready.length > 0) {
        const inserted = await query<MessageRow>(
          INSERT_MESSAGES.text,
          [
            ready,
            ready.map(() => randomUUID()),
            ready.map((i) => inputs[i]?.conversationId),
            ready.map((i) => inputs[i]?.senderId),
            ready.map((i) => inputs[i]?.clientId),
            ready.map((i) => (kindOf(inputs[i] as SendInput) === 'text' ? inputs[i]?.body : '')),
            ready.map((i) => kindOf(inputs[i] as SendInput)),
            ready.map((i) => metaOf(inputs[i] as SendInput)),
            ready.map((i) => inputs[i]?.replyTo ?? null),
            ready.map((i) => `{${(mentionsOf.get(i) ?? []).join(',')}}`),
          ],
          INSERT_MESSAGES.name,
        );
        const byKey = new Map(inserted.map((row) => [keyOf(row.sender_id, row.client_id), messageFromRow(row)]));
        // Files go onto their messages in this transaction: acked means they are durable, and
        // a retry with the same clientId finds the message (above) and never attaches again.
        const withFiles = ready.flatMap((index) => {
          const input = inputs[index] as SendInput;
          const message = byKey.get(keyOf(input.senderId, input.clientId));
          return input.attachments && message ? [{ message, uploadIds: input.attachments }] : [];
        });
        for (const { message, attachments } of await attachFiles(query, withFiles)) {
          byKey.set(keyOf(message.senderId, message.clientId), { ...message, attachments });
        }
        for (const index of ready) {
          const input = inputs[index] as SendInput;
          const message = byKey.get(keyOf(input.senderId, input.clientId));
          // Not inserted: not a member (anymore) when the locks were granted.
          outcomes[index] = message ? { ok: true, message, duplicate: false } : { ok: false, error: new AppError('not_member') };
        }
        stored = inserted.length;
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
