import { z } from 'zod';
import { IdSchema, MessageKindSchema, SeqSchema } from './models.ts';

/** Longest search query, in UTF-16 code units after trimming. */
export const MAX_SEARCH_QUERY_CHARS = 256;
export const MAX_SEARCH_PAGE = 50;
export const DEFAULT_SEARCH_PAGE = 20;
/** Longest paging cursor a client may send back (they are ~120 chars). */
export const MAX_SEARCH_CURSOR_CHARS = 512;

/**
 * `messages.search` input. `query` is web-search syntax (websearch_to_tsquery): words must all
 * match, `"quoted phrases"` match in order, `-word` excludes, `or` between words is either.
 * Matching ignores case and accents and does not stem (one configuration for every language).
 */
export const MessageSearchInputSchema = z.object({
  query: z.string().trim().min(1, 'Type something to search for').max(MAX_SEARCH_QUERY_CHARS, `At most ${MAX_SEARCH_QUERY_CHARS} characters`),
  /** Only this conversation (you must be a member). */
  conversationId: IdSchema.optional(),
  /** Only messages by this user. */
  senderId: IdSchema.optional(),
  /** Only messages created at or after this time. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Only messages created before this time. */
  until: z.iso.datetime({ offset: true }).optional(),
  /** Only messages with at least one file (PROTOCOL.md "Files"). */
  hasFile: z.boolean().optional(),
  limit: z.number().int().min(1).max(MAX_SEARCH_PAGE).default(DEFAULT_SEARCH_PAGE),
  /** `nextCursor` of the previous page, with the same query and filters. */
  cursor: z.string().min(1).max(MAX_SEARCH_CURSOR_CHARS).optional(),
});
export type MessageSearchInput = z.input<typeof MessageSearchInputSchema>;

/**
 * A highlighted excerpt as plain text: `highlights` are `[start, end)` offsets in UTF-16 code
 * units into `text`, ascending and disjoint. No markup: render `text` as text and wrap the
 * ranges (e.g. in <mark>), so a message body can never inject HTML.
 */
export const SnippetSchema = z.object({
  text: z.string(),
  highlights: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
});
export type Snippet = z.infer<typeof SnippetSchema>;

export const SearchHitSchema = z.object({
  messageId: IdSchema,
  conversationId: IdSchema,
  /** Open the conversation here: `messages.history {aroundSeq: seq}`. */
  seq: SeqSchema,
  senderId: IdSchema,
  senderDisplayName: z.string(),
  kind: MessageKindSchema,
  createdAt: z.iso.datetime({ offset: true }),
  editedAt: z.iso.datetime({ offset: true }).nullable(),
  snippet: SnippetSchema,
  /** Relevance times recency; higher first. Comparable within one search only. */
  score: z.number(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export interface MessageSearchPage {
  hits: SearchHit[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}
