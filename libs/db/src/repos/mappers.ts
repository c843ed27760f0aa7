import { CallEventSchema, type Message, type PublicUser } from '@parley/protocol';

/** Any row carrying a user's public fields (Prisma model or a select of it). */
export interface UserLike {
  id: string;
  handle: string;
  displayName: string;
}

export function toPublicUser(user: UserLike): PublicUser {
  return { id: user.id, handle: user.handle, displayName: user.displayName };
}

export interface MessageLike {
  id: string;
  conversationId: string;
  seq: bigint | number | string;
  senderId: string;
  clientId: string;
  kind: string;
  body: string;
  meta?: unknown;
  createdAt: Date | string;
}

/** Wire shape: seq as a JS number (safe below 2^53), createdAt as ISO 8601. */
export function toMessage(row: MessageLike): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: Number(row.seq),
    senderId: row.senderId,
    clientId: row.clientId,
    kind: row.kind as Message['kind'],
    body: row.body,
    // Parsed, not cast: meta is JSONB and the wire promises its shape.
    ...(row.kind === 'call' ? { call: CallEventSchema.parse(row.meta) } : {}),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** Rows from raw SQL in the writer use column names. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: bigint | number | string;
  sender_id: string;
  client_id: string;
  kind: string;
  body: string;
  meta?: unknown;
  created_at: Date | string;
}

export function messageFromRow(row: MessageRow): Message {
  return toMessage({
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    kind: row.kind,
    body: row.body,
    meta: row.meta,
    createdAt: row.created_at,
  });
}
