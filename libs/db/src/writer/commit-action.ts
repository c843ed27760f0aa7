import { randomUUID } from 'node:crypto';
import { AppError, MAX_DISTINCT_REACTIONS, MAX_REACTIONS_PER_USER, type KnownEvent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction, type Query } from '../client/transaction.ts';
import { isUniqueViolation, isUuid } from '../repos/db-errors.ts';
import { eventsByIds } from '../repos/event-reads.ts';
import { MESSAGE_FROM, createdEventOf, messageColumns, messageFromRow, type MessageRow } from '../repos/mappers.ts';
import { resolveMentions } from './mentions.ts';
import { restrictedAudience, type Audience } from './audience.ts';
import { visibleMessage } from '../repos/visibility.ts';
import { discardAttachments } from '../repos/uploads.ts';

interface ActionBase {
  actorId: string;
  conversationId: string;
  clientId: string;
  messageId: string;
}

/** A change to an existing message, caused by one client frame. */
export type MessageAction =
  | (ActionBase & { kind: 'edit'; body: string })
  | (ActionBase & { kind: 'delete' })
  | (ActionBase & { kind: 'react'; emoji: string; action: 'add' | 'remove' });

/**
 * `event` is absent when the action was already in effect (a reaction the actor already has,
 * removing one they do not have, deleting a deleted message, an edit to the same text): nothing
 * was written and no seq was used.
 */
export interface ActionOutcome {
  event?: KnownEvent;
  duplicate: boolean;
  /** Set when some members may not see the target message: they must not get the event. */
  audience?: Audience;
}

interface TargetRow {
  is_member: boolean;
  id: string | null;
  seq: string | null;
  sender_id: string | null;
  kind: string | null;
  body: string | null;
  deleted: boolean;
  distinct_emoji: number;
  mine: number;
  has_it: boolean;
  emoji_present: boolean;
}

/**
 * Commits one edit, delete or reaction in its own transaction, with the guarantees of a send:
 * answered only after the commit, idempotent by (actor, clientId), and given the next gapless
 * seq of the conversation under its row lock. Refusals throw AppError (not_member, not_found,
 * forbidden, conflict, limit_exceeded) and store nothing.
 */
export async function commitAction(db: Db, action: MessageAction): Promise<ActionOutcome> {
  if (!isUuid(action.conversationId) || !isUuid(action.actorId)) throw new AppError('not_member');
  if (!isUuid(action.messageId)) throw new AppError('not_found', 'No such message in this conversation');
  const committed = (query: Query) => commit(query, action).then((outcome) => withAudience(query, outcome));
  try {
    return await inTransaction(db, committed);
  } catch (error) {
    // The same clientId committed on another node between our lookup and our insert: the
    // retry finds it and answers with it.
    if (!isUniqueViolation(error)) throw error;
    return inTransaction(db, committed);
  }
}

/** Who may get the event live, when its target is hidden from some members (audience.ts). */
async function withAudience(query: Query, outcome: ActionOutcome): Promise<ActionOutcome> {
  const event = outcome.event;
  if (!event || event.kind === 'message_created') return outcome;
  const audience = await restrictedAudience(query, event.conversationId, event.messageSeq);
  return audience ? { ...outcome, audience } : outcome;
}

async function commit(query: Query, action: MessageAction): Promise<ActionOutcome> {
  const earlier = await earlierOutcome(query, action.actorId, action.clientId);
  if (earlier) return earlier;

  // Every change to a conversation's messages or members holds this lock, so the state read
  // by the next statement (a fresh snapshot, taken after the lock) cannot change under us.
  const locked = await query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [action.conversationId]);
  if (locked.length === 0) throw new AppError('not_member');
  const emoji = action.kind === 'react' ? action.emoji : '';
  const [target] = await query<TargetRow>(
    `SELECT EXISTS (SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2) AS is_member,
            t.id::text AS id, t.seq, t.sender_id::text AS sender_id, t.kind::text AS kind, t.body,
            (t.deleted_at IS NOT NULL) AS deleted,
            (SELECT count(DISTINCT r.emoji)::int FROM message_reactions r WHERE r.message_id = t.id) AS distinct_emoji,
            (SELECT count(*)::int FROM message_reactions r WHERE r.message_id = t.id AND r.user_id = $2) AS mine,
            EXISTS (SELECT 1 FROM message_reactions r WHERE r.message_id = t.id AND r.user_id = $2 AND r.emoji = $4) AS has_it,
            EXISTS (SELECT 1 FROM message_reactions r WHERE r.message_id = t.id AND r.emoji = $4) AS emoji_present
       FROM (SELECT 1) one LEFT JOIN messages t ON t.id = $3 AND t.conversation_id = $1 AND ${visibleMessage('t', '$2')}`,
    [action.conversationId, action.actorId, action.messageId, emoji],
  );
  if (!target?.is_member) throw new AppError('not_member');
  if (target.id === null || target.seq === null) throw new AppError('not_found', 'No such message in this conversation');
  const messageSeq = Number(target.seq);

  switch (action.kind) {
    case 'edit': {
      authorOnly(target, action.actorId, 'edit');
      if (target.deleted) throw new AppError('conflict', 'The message was deleted');
      if (target.body === action.body) return { duplicate: false };
      const [mentions = []] = await resolveMentions(query, [{ conversationId: action.conversationId, body: action.body }]);
      const row = await appendEvent(query, action, 'message_edited', null, [
        'UPDATE messages SET body = $8, mentions = $9::uuid[], edited_at = (SELECT created_at FROM ev) WHERE id = $6',
        [action.body, `{${mentions.join(',')}}`],
      ]);
      return {
        duplicate: false,
        event: { ...eventBase(action, row, messageSeq), kind: 'message_edited', body: action.body, mentions, editedAt: row.createdAt },
      };
    }
    case 'delete': {
      authorOnly(target, action.actorId, 'delete');
      if (target.deleted) return { duplicate: false };
      const row = await appendEvent(query, action, 'message_deleted', null, [
        `UPDATE messages SET body = '', mentions = '{}', edited_at = NULL, deleted_at = (SELECT created_at FROM ev) WHERE id = $6`,
        [],
      ]);
      await query('DELETE FROM message_reactions WHERE message_id = $1', [action.messageId]);
      await discardAttachments(query, action.messageId);
      return { duplicate: false, event: { ...eventBase(action, row, messageSeq), kind: 'message_deleted', deletedAt: row.createdAt } };
    }
    case 'react': {
      if (target.deleted) throw new AppError('conflict', 'The message was deleted');
      if (target.kind === 'system') throw new AppError('forbidden', 'System messages take no reactions');
      if (action.action === 'add') {
        if (target.has_it) return { duplicate: false };
        if (!target.emoji_present && target.distinct_emoji >= MAX_DISTINCT_REACTIONS) {
          throw new AppError('limit_exceeded', `A message holds at most ${MAX_DISTINCT_REACTIONS} different reactions`);
        }
        if (target.mine >= MAX_REACTIONS_PER_USER) {
          throw new AppError('limit_exceeded', `You can put at most ${MAX_REACTIONS_PER_USER} reactions on one message`);
        }
        const row = await appendEvent(query, action, 'reaction_added', action.emoji, [
          `INSERT INTO message_reactions (message_id, user_id, emoji, created_at, seq, group_seq)
           SELECT $6, $3, $7, created_at, seq,
                  COALESCE((SELECT min(group_seq) FROM message_reactions WHERE message_id = $6 AND emoji = $7), seq)
             FROM ev`,
          [],
        ]);
        return { duplicate: false, event: { ...eventBase(action, row, messageSeq), kind: 'reaction_added', emoji: action.emoji } };
      }
      if (!target.has_it) return { duplicate: false };
      const row = await appendEvent(query, action, 'reaction_removed', action.emoji, [
        'DELETE FROM message_reactions WHERE message_id = $6 AND user_id = $3 AND emoji = $7',
        [],
      ]);
      return { duplicate: false, event: { ...eventBase(action, row, messageSeq), kind: 'reaction_removed', emoji: action.emoji } };
    }
  }
}

function authorOnly(target: TargetRow, actorId: string, verb: 'edit' | 'delete'): void {
  if (target.kind !== 'text') throw new AppError('forbidden', `Only text messages can be ${verb === 'edit' ? 'edited' : 'deleted'}`);
  if (target.sender_id !== actorId) throw new AppError('forbidden', `Only its author can ${verb} a message`);
}

/** The original outcome of a clientId this actor already used, for any kind of action. */
async function earlierOutcome(query: Query, actorId: string, clientId: string): Promise<ActionOutcome | undefined> {
  const [found] = await query<{ event_id: string | null; message_id: string | null }>(
    `SELECT (SELECT id::text FROM message_events WHERE actor_id = $1 AND client_id = $2) AS event_id,
            (SELECT id::text FROM messages WHERE sender_id = $1 AND client_id = $2) AS message_id`,
    [actorId, clientId],
  );
  if (found?.event_id) {
    const [earlier] = await eventsByIds(query, [found.event_id]);
    if (earlier) return { event: earlier.event, duplicate: true };
  }
  if (found?.message_id) {
    const [row] = await query<MessageRow>(`SELECT ${messageColumns('m', 'p')} FROM ${MESSAGE_FROM} WHERE m.id = $1`, [found.message_id]);
    if (row) return { event: createdEventOf(messageFromRow(row)), duplicate: true };
  }
  return undefined;
}

interface AppendedEvent {
  seq: number;
  createdAt: string;
}

/**
 * Takes the next seq, inserts the event row (as CTE `ev`) and applies `change` to the state,
 * in one statement. `change` may use $1 conversation, $3 actor, $6 message, $7 emoji, and its
 * own parameters from $8.
 */
async function appendEvent(
  query: Query,
  action: MessageAction,
  kind: string,
  emoji: string | null,
  change: [sql: string, params: unknown[]],
): Promise<AppendedEvent> {
  const [row] = await query<{ seq: string; created_at: Date }>(
    `WITH bump AS (
       UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq
     ), ev AS (
       INSERT INTO message_events (id, conversation_id, seq, actor_id, client_id, kind, message_id, emoji)
       SELECT $2, $1, bump.last_seq, $3, $4, $5::"MessageEventKind", $6, $7 FROM bump
       RETURNING seq, created_at
     ), change AS (${change[0]})
     SELECT seq, created_at FROM ev`,
    [action.conversationId, randomUUID(), action.actorId, action.clientId, kind, action.messageId, emoji, ...change[1]],
  );
  if (!row) throw new Error('event insert returned no row');
  return { seq: Number(row.seq), createdAt: new Date(row.created_at).toISOString() };
}

function eventBase(action: MessageAction, row: AppendedEvent, messageSeq: number) {
  return {
    conversationId: action.conversationId,
    seq: row.seq,
    actorId: action.actorId,
    createdAt: row.createdAt,
    messageId: action.messageId,
    messageSeq,
  };
}
