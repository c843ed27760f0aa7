import type { ConversationEvent, KnownEvent, Message } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction, type Query } from '../client/transaction.ts';
import { isUuid } from './db-errors.ts';
import { createdEventOf, messageColumns, messageFromRow, type MessageRow } from './mappers.ts';
import { messageFromFor, visibleMessage, visibleSeq } from './visibility.ts';

/** A message_events row with its target message's current state. */
export interface EventRow {
  id: string;
  conversation_id: string;
  seq: bigint | number | string;
  actor_id: string;
  kind: string;
  message_id: string;
  emoji: string | null;
  created_at: Date | string;
  target_seq: bigint | number | string;
  target_body: string;
  target_mentions: string[];
  target_deleted_at: Date | string | null;
}

export const EVENT_SELECT = `
  SELECT e.id::text AS id, e.conversation_id::text AS conversation_id, e.seq, e.actor_id::text AS actor_id,
         e.kind::text AS kind, e.message_id::text AS message_id, e.emoji, e.created_at,
         t.seq AS target_seq, t.body AS target_body, COALESCE(t.mentions::text[], '{}') AS target_mentions,
         t.deleted_at AS target_deleted_at
    FROM message_events e JOIN messages t ON t.id = e.message_id`;

/**
 * The wire event of a message_events row. State comes from the target message as it is now:
 * every fold is last-writer-wins, so a replayed edit carrying the latest body is harmless, and
 * a deleted message's earlier bodies are never sent again.
 */
export function eventFromRow(row: EventRow): KnownEvent {
  const base = {
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    actorId: row.actor_id,
    createdAt: new Date(row.created_at).toISOString(),
    messageId: row.message_id,
    messageSeq: Number(row.target_seq),
  };
  switch (row.kind) {
    case 'message_edited': {
      const deleted = row.target_deleted_at !== null;
      return {
        ...base,
        kind: 'message_edited',
        body: deleted ? null : row.target_body,
        mentions: deleted ? [] : row.target_mentions,
        editedAt: base.createdAt,
      };
    }
    case 'message_deleted':
      return { ...base, kind: 'message_deleted', deletedAt: base.createdAt };
    case 'reaction_added':
      return { ...base, kind: 'reaction_added', emoji: row.emoji ?? '' };
    case 'reaction_removed':
      return { ...base, kind: 'reaction_removed', emoji: row.emoji ?? '' };
    default:
      throw new Error(`message_events row ${row.id} has unknown kind ${row.kind}`);
  }
}

export async function eventsByIds(query: Query, ids: readonly string[]): Promise<Array<{ id: string; event: KnownEvent }>> {
  const rows = await query<EventRow>(`${EVENT_SELECT} WHERE e.id = ANY($1::uuid[])`, [ids]);
  return rows.map((row) => ({ id: row.id, event: eventFromRow(row) }));
}

export interface EventPage {
  /** Ascending seq, no gaps: every event with afterSeq < seq <= throughSeq. */
  events: ConversationEvent[];
  hasMore: boolean;
  /** The log position this page covers (>= afterSeq): the reader's lastSeq after applying it. */
  throughSeq: number;
}

/**
 * Catch-up after a gap or reconnect: events with seq > afterSeq, oldest first. Messages come in
 * their current state. One snapshot for the head and both tables, so `throughSeq` never
 * claims an event the page does not hold; a seq held by no row (none should be) is covered by
 * `throughSeq` and never wedges a reader.
 */
export async function eventsAfter(
  db: Db,
  input: { conversationId: string; afterSeq: number; limit: number; viewerId: string },
): Promise<EventPage> {
  if (!isUuid(input.conversationId)) return { events: [], hasMore: false, throughSeq: input.afterSeq };
  return inTransaction(
    db,
    async (query) => {
      const [head] = await query<{ last_seq: string }>('SELECT last_seq FROM conversations WHERE id = $1', [input.conversationId]);
      // What the viewer may not see (history_visibility) is left out; throughSeq still covers
      // it, so the reader moves past those seqs without waiting for them.
      const params = [input.conversationId, input.afterSeq, input.limit + 1, input.viewerId];
      const messages = await query<MessageRow>(
        `SELECT ${messageColumns('m', 'p')} FROM ${messageFromFor('$4')}
          WHERE m.conversation_id = $1 AND m.seq > $2 AND ${visibleMessage('m', '$4')} ORDER BY m.seq LIMIT $3`,
        params,
      );
      const others = await query<EventRow>(
        `${EVENT_SELECT} WHERE e.conversation_id = $1 AND e.seq > $2
            AND ${visibleSeq('e.conversation_id', '$4', 'e.seq')} AND ${visibleMessage('t', '$4')}
          ORDER BY e.seq LIMIT $3`,
        params,
      );
      const merged: ConversationEvent[] = [
        ...messages.map((row) => createdEventOf(messageFromRow(row))),
        ...others.map(eventFromRow),
      ].sort((a, b) => a.seq - b.seq);
      const hasMore = merged.length > input.limit;
      const events = merged.slice(0, input.limit);
      const throughSeq = hasMore ? (events.at(-1)?.seq ?? input.afterSeq) : Number(head?.last_seq ?? 0);
      return { events, hasMore, throughSeq: Math.max(input.afterSeq, throughSeq) };
    },
    { snapshot: true },
  );
}

export interface MessagePage {
  /** Ascending seq. */
  messages: Message[];
  /** Older messages exist. */
  hasMore: boolean;
  /**
   * The log head when the page was read: the messages show every event up to it. A reader
   * that loads the newest page continues with `chat_sync` from here.
   */
  throughSeq: number;
}

/**
 * The newest `limit` messages before `beforeSeq` (or the newest overall) that `viewerId` may
 * see (history_visibility), in their current state.
 */
export async function historyPage(
  db: Db,
  input: { conversationId: string; beforeSeq?: number; limit: number; viewerId: string },
): Promise<MessagePage> {
  if (!isUuid(input.conversationId)) return { messages: [], hasMore: false, throughSeq: 0 };
  return inTransaction(
    db,
    async (query) => {
      const [head] = await query<{ last_seq: string }>('SELECT last_seq FROM conversations WHERE id = $1', [input.conversationId]);
      const rows = await query<MessageRow>(
        `SELECT ${messageColumns('m', 'p')} FROM ${messageFromFor('$4')}
          WHERE m.conversation_id = $1 AND ($2::bigint IS NULL OR m.seq < $2) AND ${visibleMessage('m', '$4')}
          ORDER BY m.seq DESC LIMIT $3`,
        [input.conversationId, input.beforeSeq ?? null, input.limit + 1, input.viewerId],
      );
      const hasMore = rows.length > input.limit;
      return {
        messages: rows.slice(0, input.limit).reverse().map(messageFromRow),
        hasMore,
        throughSeq: Number(head?.last_seq ?? 0),
      };
    },
    { snapshot: true },
  );
}
