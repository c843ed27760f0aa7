// The conversation logs as Postgres holds them: the ground truth the checker compares with.
import type pg from 'pg';

/** One row of a conversation's log (a `messages` row or a `message_events` row). */
export interface LogEntry {
  conversationId: string;
  seq: number;
  actorId: string;
  clientId: string;
  /** `message_created` for a messages row, else the event kind. */
  kind: string;
  /** The message it created or changed. */
  messageId: string;
}

export interface StoredLog {
  /** conversationId -> its `last_seq`. */
  heads: Map<string, number>;
  /** conversationId -> seq -> entries at that seq (more than one is a violation). */
  bySeq: Map<string, Map<number, LogEntry[]>>;
  /** `${actorId}/${clientId}` -> every row carrying it, in both tables. */
  byClientId: Map<string, LogEntry[]>;
}

export const clientKey = (actorId: string, clientId: string) => `${actorId}/${clientId}`;

export async function readLog(db: pg.Pool, conversationIds: readonly string[]): Promise<StoredLog> {
  const ids = [...conversationIds];
  const [heads, messages, events] = await Promise.all([
    db.query<{ id: string; last_seq: string }>('SELECT id, last_seq FROM conversations WHERE id = ANY($1::uuid[])', [ids]),
    db.query<{ conversation_id: string; seq: string; sender_id: string; client_id: string; id: string }>(
      'SELECT conversation_id, seq, sender_id, client_id, id FROM messages WHERE conversation_id = ANY($1::uuid[])',
      [ids],
    ),
    db.query<{ conversation_id: string; seq: string; actor_id: string; client_id: string; kind: string; message_id: string }>(
      'SELECT conversation_id, seq, actor_id, client_id, kind::text AS kind, message_id FROM message_events WHERE conversation_id = ANY($1::uuid[])',
      [ids],
    ),
  ]);
  const log: StoredLog = { heads: new Map(), bySeq: new Map(), byClientId: new Map() };
  for (const row of heads.rows) log.heads.set(row.id, Number(row.last_seq));
  const add = (entry: LogEntry) => {
    let seqs = log.bySeq.get(entry.conversationId);
    if (!seqs) log.bySeq.set(entry.conversationId, (seqs = new Map()));
    seqs.set(entry.seq, [...(seqs.get(entry.seq) ?? []), entry]);
    const key = clientKey(entry.actorId, entry.clientId);
    log.byClientId.set(key, [...(log.byClientId.get(key) ?? []), entry]);
  };
  for (const row of messages.rows) {
    add({ conversationId: row.conversation_id, seq: Number(row.seq), actorId: row.sender_id, clientId: row.client_id, kind: 'message_created', messageId: row.id });
  }
  for (const row of events.rows) {
    add({ conversationId: row.conversation_id, seq: Number(row.seq), actorId: row.actor_id, clientId: row.client_id, kind: row.kind, messageId: row.message_id });
  }
  return log;
}

/** The heads alone (cheap): polled while waiting for clients to catch up. */
export async function readHeads(db: pg.Pool, conversationIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; last_seq: string }>('SELECT id, last_seq FROM conversations WHERE id = ANY($1::uuid[])', [[...conversationIds]]);
  return new Map(rows.map((r) => [r.id, Number(r.last_seq)]));
}
