import { z } from 'zod';
import { IdSchema, MessageSchema, SeqSchema } from './models.ts';

/**
 * The conversation event log. Every change in a conversation is one event with the next
 * gapless `seq` of that conversation: a message created (text, call outcome, or a system
 * change such as a rename or a member added), edited, deleted, a reaction added or removed.
 * Clients fold events into state in `seq` order. Every fold below is "last writer wins" per
 * field, so applying an event to a state that already includes it changes nothing.
 */

const base = {
  conversationId: IdSchema,
  seq: SeqSchema,
  /** Who caused it: the sender of a message, the editor, the reactor. */
  actorId: IdSchema,
  /** ISO 8601, set by the database at commit. Display only: order is `seq`. */
  createdAt: z.iso.datetime({ offset: true }),
};

/** A message (of any kind) joined the timeline at `seq` (= `message.seq`). */
export const MessageCreatedEventSchema = z.object({
  ...base,
  kind: z.literal('message_created'),
  /** Live: the message as committed. From `chat_sync`: its current state (edits and deletion applied). */
  message: MessageSchema,
});

/** Fields of an event that changes an existing message. */
const target = {
  messageId: IdSchema,
  /** The changed message's own `seq` (its `message_created`), always lower than this event's. */
  messageSeq: SeqSchema,
};

export const MessageEditedEventSchema = z.object({
  ...base,
  ...target,
  kind: z.literal('message_edited'),
  /**
   * The message's body after this edit, or its current body when read later. Null when the
   * message has been deleted since (its `message_deleted` follows): keep what you show.
   */
  body: z.string().nullable(),
  mentions: z.array(IdSchema),
  editedAt: z.iso.datetime({ offset: true }),
});

export const MessageDeletedEventSchema = z.object({
  ...base,
  ...target,
  kind: z.literal('message_deleted'),
  deletedAt: z.iso.datetime({ offset: true }),
});

/** `actorId` reacted with `emoji`. Adding a reaction someone already has writes no event. */
export const ReactionAddedEventSchema = z.object({
  ...base,
  ...target,
  kind: z.literal('reaction_added'),
  emoji: z.string(),
});

export const ReactionRemovedEventSchema = z.object({
  ...base,
  ...target,
  kind: z.literal('reaction_removed'),
  emoji: z.string(),
});

const KnownEventSchema = z.discriminatedUnion('kind', [
  MessageCreatedEventSchema,
  MessageEditedEventSchema,
  MessageDeletedEventSchema,
  ReactionAddedEventSchema,
  ReactionRemovedEventSchema,
]);
export type KnownEvent = z.infer<typeof KnownEventSchema>;

/**
 * An event this code cannot read (a newer server's kind, or a malformed one). It still holds a
 * place in the log: skip it and advance `seq`, so it can never wedge a conversation.
 */
export const UnknownEventSchema = z
  .object({ conversationId: IdSchema, seq: SeqSchema, kind: z.string() })
  .loose()
  .transform((e) => ({ conversationId: e.conversationId, seq: e.seq, kind: 'unknown' as const, wireKind: e.kind }));
export type UnknownEvent = z.infer<typeof UnknownEventSchema>;

export const ConversationEventSchema = z.union([KnownEventSchema, UnknownEventSchema]);
export type ConversationEvent = z.infer<typeof ConversationEventSchema>;
export type ConversationEventKind = ConversationEvent['kind'];

export type MessageCreatedEvent = z.infer<typeof MessageCreatedEventSchema>;
export type MessageEditedEvent = z.infer<typeof MessageEditedEventSchema>;
export type MessageDeletedEvent = z.infer<typeof MessageDeletedEventSchema>;
export type ReactionAddedEvent = z.infer<typeof ReactionAddedEventSchema>;
export type ReactionRemovedEvent = z.infer<typeof ReactionRemovedEventSchema>;
