import {
  type Attachment,
  CallEventSchema,
  REPLY_EXCERPT_CHARS,
  SystemEventSchema,
  type Message,
  type MessageCreatedEvent,
  type PublicUser,
  type Reaction,
  type ReplyRef,
} from '@parley/protocol';
import { ATTACHMENT_JSON } from './uploads.ts';

/** Any row carrying a user's public fields (Prisma model or a select of it). */
export interface UserLike {
  id: string;
  handle: string;
  displayName: string;
}

export function toPublicUser(user: UserLike): PublicUser {
  return { id: user.id, handle: user.handle, displayName: user.displayName };
}

/**
 * The columns of a message in its current state, read from `messages` aliased `alias`, with
 * the replied-to message joined as `parent` (see MESSAGE_FROM) and its reactions aggregated.
 * Every reader of messages (history, sync, summaries, the writers' returns) uses this list, so
 * a message has one shape wherever it comes from. Reactions are listed in the order a client
 * folding the events arrives at (message_reactions.seq and group_seq, see schema.prisma).
 */
export function messageColumns(alias: string, parent: string, options: { reactions?: boolean; attachments?: boolean } = {}): string {
  // A message inserted by this very statement has no files yet (the writer attaches them after
  // the insert and adds them itself): skip the lookup on the hot path.
  const attachments =
    options.attachments === false
      ? 'NULL::json AS attachments'
      : `(SELECT json_agg(${ATTACHMENT_JSON} ORDER BY u.position) FROM uploads u
           WHERE u.message_id = ${alias}.id AND u.state = 'attached') AS attachments`;
  // A message inserted by this very statement has none; skip the lookup on the hot path.
  const reactions =
    options.reactions === false
      ? 'NULL::json AS reactions'
      : `(SELECT json_agg(json_build_object('emoji', r.emoji, 'userIds', r.user_ids) ORDER BY r.group_seq, r.emoji)
       FROM (SELECT emoji, array_agg(user_id::text ORDER BY seq, user_id) AS user_ids, min(group_seq) AS group_seq
               FROM message_reactions WHERE message_id = ${alias}.id GROUP BY emoji) r) AS reactions`;
  return `${alias}.id, ${alias}.conversation_id, ${alias}.seq, ${alias}.sender_id, ${alias}.client_id,
    ${alias}.kind::text AS kind, ${alias}.body, ${alias}.meta, COALESCE(${alias}.mentions::text[], '{}') AS mentions,
    ${alias}.edited_at, ${alias}.deleted_at, ${alias}.created_at,
    ${parent}.id AS reply_id, ${parent}.seq AS reply_seq, ${parent}.sender_id AS reply_sender_id,
    ${parent}.kind::text AS reply_kind,
    CASE WHEN ${parent}.deleted_at IS NULL THEN left(${parent}.body, ${REPLY_EXCERPT_CHARS}) END AS reply_excerpt,
    ${reactions}, ${attachments}`;
}

/** `FROM messages m` with the replied-to message as `p`; pair with messageColumns('m', 'p'). */
export const MESSAGE_FROM = 'messages m LEFT JOIN messages p ON p.id = m.reply_to_id';

/** A row selected with messageColumns. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: bigint | number | string;
  sender_id: string;
  client_id: string;
  kind: string;
  body: string;
  meta?: unknown;
  mentions?: string[] | null;
  edited_at?: Date | string | null;
  deleted_at?: Date | string | null;
  created_at: Date | string;
  reply_id?: string | null;
  reply_seq?: bigint | number | string | null;
  reply_sender_id?: string | null;
  reply_kind?: string | null;
  reply_excerpt?: string | null;
  reactions?: Reaction[] | null;
  attachments?: Attachment[] | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null | undefined): string | null => (value == null ? null : iso(value));

function replyRefOf(row: MessageRow): ReplyRef | null {
  if (row.reply_id == null || row.reply_seq == null || row.reply_sender_id == null) return null;
  return {
    messageId: row.reply_id,
    seq: Number(row.reply_seq),
    senderId: row.reply_sender_id,
    kind: row.reply_kind ?? 'text',
    excerpt: row.reply_excerpt ?? null,
  };
}

/** Wire shape: seq as a JS number (safe below 2^53), times as ISO 8601. */
export function messageFromRow(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientId: row.client_id,
    kind: row.kind as Message['kind'],
    body: row.body,
    // Parsed, not cast: meta is JSONB and the wire promises its shape.
    ...(row.kind === 'call' ? { call: CallEventSchema.parse(row.meta) } : {}),
    ...(row.kind === 'system' ? { system: SystemEventSchema.parse(row.meta) } : {}),
    replyTo: replyRefOf(row),
    mentions: row.mentions ?? [],
    editedAt: isoOrNull(row.edited_at),
    deletedAt: isoOrNull(row.deleted_at),
    reactions: row.reactions ?? [],
    createdAt: iso(row.created_at),
    // Absent when there are none (PROTOCOL.md §7.1), and on a tombstone.
    ...(row.attachments && row.attachments.length > 0 && row.deleted_at == null ? { attachments: row.attachments } : {}),
  };
}

/** The event that put `message` in the log (its seq is the message's own). */
export function createdEventOf(message: Message): MessageCreatedEvent {
  return {
    kind: 'message_created',
    conversationId: message.conversationId,
    seq: message.seq,
    actorId: message.senderId,
    createdAt: message.createdAt,
    message,
  };
}
