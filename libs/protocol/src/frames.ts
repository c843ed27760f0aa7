import { z } from 'zod';
import {
  CallAcceptFrameSchema,
  CallDeclineFrameSchema,
  CallHangupFrameSchema,
  CallInviteFrameSchema,
  CallRingFrameSchema,
  CallSignalFrameSchema,
  CallSignalInFrameSchema,
  CallUpdateFrameSchema,
} from './calls.ts';
import { MAX_PRESENCE_WATCH, MAX_SYNC_PAGE } from './constants.ts';
import { AttachmentIdsSchema } from './files.ts';
import { ERROR_CODE_LIST } from './errors.ts';
import { ConversationEventSchema } from './events.ts';
import { PushContentSchema } from './notifications.ts';
import {
  ConnectionStateSchema,
  UserPresenceSchema,
  ClientIdSchema,
  EmojiSchema,
  IdSchema,
  MessageBodySchema,
  PublicUserSchema,
  SeqSchema,
} from './models.ts';

// ---------------------------------------------------------------- client -> server

export const HelloFrameSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int().positive(),
  /** Free-form, for logs and metrics: e.g. "parley-web/0.1.0". */
  client: z.string().max(100).optional(),
  /**
   * Whose presence this socket hears (PROTOCOL.md §5.16): `contacts` (the default) every
   * contact, with a `presence_snapshot` after `hello_ok`; `watch` only the users it names in
   * `presence_watch`, and no snapshot until then (a big room connects without one).
   */
  presence: z.enum(['contacts', 'watch']).optional(),
});

export const PingFrameSchema = z.object({
  type: z.literal('ping'),
  /** Echoed in `pong`, so a client can measure round trips. */
  nonce: z.string().max(64).optional(),
});

export const ChatSendFrameSchema = z
  .object({
    type: z.literal('chat_send'),
    clientId: ClientIdSchema,
    conversationId: IdSchema,
    /** The text; with attachments it is a caption and may be '' (no caption). */
    body: z.string(),
    /** The id of a message in the same conversation that this one replies to. */
    replyTo: IdSchema.optional(),
    /** Your uploads (POST /files) to attach; they become visible to the conversation with the message. */
    attachments: AttachmentIdsSchema.optional(),
  })
  .superRefine((frame, ctx) => {
    // '' is a message of files alone; any other body follows the usual rules.
    if (frame.attachments && frame.body === '') return;
    const body = MessageBodySchema.safeParse(frame.body);
    for (const issue of body.success ? [] : body.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['body'] });
  });

/** Replaces the body of one of your own text messages. Idempotent by clientId, like a send. */
export const ChatEditFrameSchema = z.object({
  type: z.literal('chat_edit'),
  clientId: ClientIdSchema,
  conversationId: IdSchema,
  messageId: IdSchema,
  body: MessageBodySchema,
});

/** Deletes one of your own text messages: it stays in the log as a tombstone, without its body. */
export const ChatDeleteFrameSchema = z.object({
  type: z.literal('chat_delete'),
  clientId: ClientIdSchema,
  conversationId: IdSchema,
  messageId: IdSchema,
});

/** Adds or removes your reaction `emoji` on a message. */
export const ChatReactFrameSchema = z.object({
  type: z.literal('chat_react'),
  clientId: ClientIdSchema,
  conversationId: IdSchema,
  messageId: IdSchema,
  emoji: EmojiSchema,
  action: z.enum(['add', 'remove']),
});

export const ChatSyncFrameSchema = z.object({
  type: z.literal('chat_sync'),
  conversationId: IdSchema,
  /** Return events with `seq > afterSeq`, oldest first. */
  afterSeq: SeqSchema,
  limit: z.number().int().min(1).max(MAX_SYNC_PAGE).optional(),
});

export const ChatReadFrameSchema = z.object({
  type: z.literal('chat_read'),
  conversationId: IdSchema,
  /** Read position; clamped to the conversation's last seq, never moves backwards. */
  seq: SeqSchema,
});

/** This connection's activity: `idle` after IDLE_AFTER_MS without input, or while hidden. */
export const PresenceSetFrameSchema = z.object({
  type: z.literal('presence_set'),
  state: ConnectionStateSchema,
  /**
   * The conversation this socket shows in a visible, focused window; null or absent: none.
   * While `state` is `active` and this is set, the user gets no Web Push for that conversation.
   */
  viewing: IdSchema.nullable().optional(),
});

/** Replaces whose presence this socket hears with these users; answered by `presence_snapshot`. */
export const PresenceWatchFrameSchema = z.object({
  type: z.literal('presence_watch'),
  userIds: z.array(IdSchema).max(MAX_PRESENCE_WATCH),
});

/** `active: true` while typing (re-sent every TYPING_REFRESH_MS); `false` when stopped. */
export const TypingFrameSchema = z.object({
  type: z.literal('typing'),
  conversationId: IdSchema,
  active: z.boolean(),
});

export const ClientFrameSchema = z.discriminatedUnion('type', [
  HelloFrameSchema,
  PingFrameSchema,
  ChatSendFrameSchema,
  ChatEditFrameSchema,
  ChatDeleteFrameSchema,
  ChatReactFrameSchema,
  ChatSyncFrameSchema,
  ChatReadFrameSchema,
  PresenceSetFrameSchema,
  PresenceWatchFrameSchema,
  TypingFrameSchema,
  CallInviteFrameSchema,
  CallAcceptFrameSchema,
  CallDeclineFrameSchema,
  CallHangupFrameSchema,
  CallSignalFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];
export const CLIENT_FRAME_TYPES = ClientFrameSchema.options.map((o) => o.shape.type.value);

export type HelloFrame = z.infer<typeof HelloFrameSchema>;
export type ChatSendFrame = z.infer<typeof ChatSendFrameSchema>;
export type ChatEditFrame = z.infer<typeof ChatEditFrameSchema>;
export type ChatDeleteFrame = z.infer<typeof ChatDeleteFrameSchema>;
export type ChatReactFrame = z.infer<typeof ChatReactFrameSchema>;
/** The frames that cause an event in a conversation's log: acked after commit, idempotent by clientId. */
export type ChatActionFrame = ChatSendFrame | ChatEditFrame | ChatDeleteFrame | ChatReactFrame;
export type ChatSyncFrame = z.infer<typeof ChatSyncFrameSchema>;
export type ChatReadFrame = z.infer<typeof ChatReadFrameSchema>;
export type PresenceSetFrame = z.infer<typeof PresenceSetFrameSchema>;
export type PresenceWatchFrame = z.infer<typeof PresenceWatchFrameSchema>;
export type TypingFrame = z.infer<typeof TypingFrameSchema>;

// ---------------------------------------------------------------- server -> client

export const HelloOkFrameSchema = z.object({
  type: z.literal('hello_ok'),
  protocol: z.number().int().positive(),
  user: PublicUserSchema,
  /** Identifies this socket in logs; not a secret. */
  connectionId: z.string(),
  heartbeatIntervalMs: z.number().int().positive(),
  maxFrameBytes: z.number().int().positive(),
  serverTime: z.iso.datetime({ offset: true }),
  /**
   * The presence mode this socket got (hello's `presence`). Absent from servers that predate
   * `presence_watch`: do not send it to them.
   */
  presence: z.enum(['contacts', 'watch']).optional(),
});

export const PongFrameSchema = z.object({
  type: z.literal('pong'),
  nonce: z.string().optional(),
});

/** Answers one action frame (`chat_send`, `chat_edit`, `chat_delete`, `chat_react`) after its commit. */
export const ChatAckFrameSchema = z.object({
  type: z.literal('chat_ack'),
  clientId: ClientIdSchema,
  /**
   * The committed event. On a retried clientId, the original event. Absent when the action
   * was already in effect and nothing was written (a reaction you already have, removing one
   * you do not have, deleting a deleted message).
   */
  event: ConversationEventSchema.optional(),
  /** True when this clientId had already been committed and nothing new was stored. */
  duplicate: z.boolean(),
});

/** A new event in one of your conversations, sent live to every socket of every member. */
export const ChatEventFrameSchema = z.object({
  type: z.literal('chat_event'),
  event: ConversationEventSchema,
});

export const ChatSyncResultFrameSchema = z.object({
  type: z.literal('chat_sync_result'),
  conversationId: IdSchema,
  afterSeq: SeqSchema,
  /** Every event with `afterSeq < seq <= throughSeq`, ascending, at most `limit`. */
  events: z.array(ConversationEventSchema),
  /** More events exist after `throughSeq`: ask again from it. */
  hasMore: z.boolean(),
  /** The log position this page covers: set your lastSeq to it after applying the events. */
  throughSeq: SeqSchema,
});

/**
 * Live events of these conversations may have been lost (the server's bus to other nodes was
 * down or resubscribing): `chat_sync` each one from your lastSeq now, as after a reconnect.
 */
export const ChatResyncFrameSchema = z.object({
  type: z.literal('chat_resync'),
  conversationIds: z.array(IdSchema),
});

/** Someone's read position moved. Sent to every member's sockets (read receipts, badges). */
export const ReadStateFrameSchema = z.object({
  type: z.literal('read_state'),
  conversationId: IdSchema,
  userId: IdSchema,
  lastReadSeq: SeqSchema,
});

/** One member's read position, as in `read_state`. */
export const ReaderPositionSchema = z.object({
  userId: IdSchema,
  lastReadSeq: SeqSchema,
});

/**
 * Several members' read positions in one conversation moved at about the same time (a busy
 * group reading a new message): apply each entry as a `read_state`. One frame instead of one
 * per reader (PROTOCOL.md §6.7).
 */
export const ReadStateBatchFrameSchema = z.object({
  type: z.literal('read_state_batch'),
  conversationId: IdSchema,
  readers: z.array(ReaderPositionSchema).min(2),
});

export const ConversationChangedFrameSchema = z.object({
  type: z.literal('conversation_changed'),
  conversationId: IdSchema,
  /** added: you became a member; removed: you are no longer one; updated: title or members changed. */
  change: z.enum(['added', 'removed', 'updated']),
});

/**
 * Your own account-wide settings changed (users.setDoNotDisturb), on any device: sent to all your
 * sockets, the device that made the change included.
 */
export const SettingsChangedFrameSchema = z.object({
  type: z.literal('settings_changed'),
  /** ISO 8601; null when do-not-disturb is off. A time in the past means off too. */
  dndUntil: z.string().nullable(),
  /** What a Web Push may show; always sent by servers that have push (optional for older ones). */
  pushContent: PushContentSchema.optional(),
});

/** A user's aggregated status changed. Sent to users who share a conversation with them. */
export const PresenceFrameSchema = z.object({
  type: z.literal('presence'),
  ...UserPresenceSchema.shape,
});

/**
 * Several contacts' statuses changed at about the same time (a reconnect storm): apply each
 * entry as a `presence` frame, in order. One frame instead of one per change.
 */
export const PresenceBatchFrameSchema = z.object({
  type: z.literal('presence_batch'),
  users: z.array(UserPresenceSchema).min(2),
});

/** Sent right after hello_ok: the status of everyone who shares a conversation with you. */
export const PresenceSnapshotFrameSchema = z.object({
  type: z.literal('presence_snapshot'),
  users: z.array(UserPresenceSchema),
});

/** Someone started or stopped typing. Without a refresh it lapses after `expiresInMs`. */
export const TypingUpdateFrameSchema = z.object({
  type: z.literal('typing_update'),
  conversationId: IdSchema,
  userId: IdSchema,
  active: z.boolean(),
  expiresInMs: z.number().int().nonnegative(),
});

/** One member's typing state, as in `typing_update`. */
export const TypingStateSchema = z.object({
  userId: IdSchema,
  active: z.boolean(),
  expiresInMs: z.number().int().nonnegative(),
});

/**
 * Several members of one conversation started or stopped typing at about the same time: apply
 * each entry as a `typing_update`. One frame instead of one per typist (PROTOCOL.md §6.11).
 */
export const TypingBatchFrameSchema = z.object({
  type: z.literal('typing_batch'),
  conversationId: IdSchema,
  updates: z.array(TypingStateSchema).min(2),
});

/**
 * A user's public profile changed (display name), or the account was deleted (it then reads
 * "Deleted user" with a `deleted_…` handle). Sent to that user's own sockets and to everyone
 * who shares a conversation with them. Best effort, like presence: lists and conversations
 * read after a reconnect carry the current names anyway.
 */
export const UserUpdatedFrameSchema = z.object({
  type: z.literal('user_updated'),
  user: PublicUserSchema,
});

export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  /** One of ERROR_CODES; a code this version does not know (a newer server) still parses: use `retryable`. */
  code: z.union([z.enum(ERROR_CODE_LIST), z.string()]),
  message: z.string(),
  /** What this error answers, when known: a send's `clientId`, a call's `callId`, else the frame type. */
  ref: z.string().optional(),
  retryable: z.boolean(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});

export const ServerFrameSchema = z.discriminatedUnion('type', [
  HelloOkFrameSchema,
  PongFrameSchema,
  ChatAckFrameSchema,
  ChatEventFrameSchema,
  ChatSyncResultFrameSchema,
  ChatResyncFrameSchema,
  ReadStateFrameSchema,
  ReadStateBatchFrameSchema,
  ConversationChangedFrameSchema,
  SettingsChangedFrameSchema,
  PresenceFrameSchema,
  PresenceBatchFrameSchema,
  PresenceSnapshotFrameSchema,
  TypingUpdateFrameSchema,
  TypingBatchFrameSchema,
  UserUpdatedFrameSchema,
  CallRingFrameSchema,
  CallUpdateFrameSchema,
  CallSignalInFrameSchema,
  ErrorFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type ServerFrameType = ServerFrame['type'];

export type HelloOkFrame = z.infer<typeof HelloOkFrameSchema>;
export type ChatAckFrame = z.infer<typeof ChatAckFrameSchema>;
export type ChatEventFrame = z.infer<typeof ChatEventFrameSchema>;
export type ChatSyncResultFrame = z.infer<typeof ChatSyncResultFrameSchema>;
export type ChatResyncFrame = z.infer<typeof ChatResyncFrameSchema>;
export type ReadStateFrame = z.infer<typeof ReadStateFrameSchema>;
export type ReadStateBatchFrame = z.infer<typeof ReadStateBatchFrameSchema>;
export type ReaderPosition = z.infer<typeof ReaderPositionSchema>;
export type ConversationChangedFrame = z.infer<typeof ConversationChangedFrameSchema>;
export type SettingsChangedFrame = z.infer<typeof SettingsChangedFrameSchema>;
export type PresenceFrame = z.infer<typeof PresenceFrameSchema>;
export type PresenceSnapshotFrame = z.infer<typeof PresenceSnapshotFrameSchema>;
export type PresenceBatchFrame = z.infer<typeof PresenceBatchFrameSchema>;
export type TypingUpdateFrame = z.infer<typeof TypingUpdateFrameSchema>;
export type TypingBatchFrame = z.infer<typeof TypingBatchFrameSchema>;
export type TypingState = z.infer<typeof TypingStateSchema>;
export type UserUpdatedFrame = z.infer<typeof UserUpdatedFrameSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
