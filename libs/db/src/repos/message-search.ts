import { AppError, type MessageSearchPage, type SearchHit, type Snippet } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction } from '../client/transaction.ts';
import { isUuid } from './db-errors.ts';
import { visibleRangesSql } from './visibility.ts';

/** The text search configuration of the `search` migration: simple + unaccent. */
export const SEARCH_CONFIG = 'parley_search';

/** A hit's recency weight halves its relevance at most; a month-old message keeps 75 %. */
export const RECENCY_HALF_LIFE_DAYS = 30;

export interface SearchMessagesInput {
  /** Who searches: only what they may see is searched. */
  userId: string;
  query: string;
  conversationId?: string | undefined;
  senderId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** Only messages carrying a file (a deleted message's files are gone with it). */
  hasFile?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Where a page ended, and the clock its scores were computed with: recency is scored against
 * `asOf`, not now(), so every page of one search ranks the same way and keyset paging neither
 * repeats nor skips a hit while time passes.
 */
export interface Cursor {
  asOf: number;
  score: number;
  conversationId: string;
  seq: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, t: c.asOf, s: c.score, c: c.conversationId, q: c.seq })).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { v, t, s, c, q } = raw;
    if (v === 1 && typeof t === 'number' && Number.isFinite(t) && typeof s === 'number' && Number.isFinite(s) && typeof c === 'string' && isUuid(c) && Number.isSafeInteger(q)) {
      return { asOf: t, score: s, conversationId: c, seq: q as number };
    }
  } catch {
    // Falls through to the one error below.
  }
  throw new AppError('invalid_input', 'That search cursor is not valid: start the search again');
}

/**
 * The visibility condition, kept in one place: the messages of `m` that user `userParam` may
 * see. The conversations they are a member of now (one they left is not searched at all, so
 * nothing said after they left ever shows), and in those the seqs the conversation's
 * history_visibility lets them see (visibility.ts: in a `since_joined` group, only what was
 * said during their membership periods).
 *
 * Two parts on purpose. The membership semi-join tells the planner how many conversations
 * that is: for a member of a few it probes the (conversation_id, search_tsv) GIN index once per
 * conversation; for a member of hundreds it scans the index for the words alone (in parallel)
 * and joins. The visible ranges (visibleRangesSql, the rule of visibleMessage as a set) are
 * then one hashed lookup per hit instead of two index lookups per hit.
 */
export function searchableBy(userParam: string): string {
  return `m.conversation_id IN (SELECT mb.conversation_id FROM members mb WHERE mb.user_id = ${userParam})
      AND EXISTS (SELECT 1 FROM (${visibleRangesSql(userParam)}) vr
                   WHERE vr.conversation_id = m.conversation_id AND vr.from_seq <= m.seq AND (vr.to_seq IS NULL OR m.seq <= vr.to_seq))`;
}

// ts_headline drops what its parser takes for HTML tags and entities; these private-use
// characters stand in for < > & while it runs, and mark where a highlight starts and stops.
// Any of them already in a body is dropped from the snippet, so a body cannot forge a highlight.
const LT = '\uE000';
const GT = '\uE001';
const AMP = '\uE002';
const START = '\uE003';
const STOP = '\uE004';
const MARKERS = `StartSel=${START}, StopSel=${STOP}`;
/** A body up to this long is its own snippet, whole; a longer one shows up to two fragments around matches. */
export const WHOLE_SNIPPET_CHARS = 280;
const FRAGMENT_OPTIONS = `${MARKERS}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/** Turns ts_headline's output (markers, stand-ins) into plain text plus highlight ranges. */
export function snippetOf(headline: string): Snippet {
  let text = '';
  const highlights: Array<[number, number]> = [];
  let start: number | null = null;
  for (const ch of headline) {
    if (ch === START) start = text.length;
    else if (ch === STOP) {
      if (start !== null && text.length > start) {
        const last = highlights.at(-1);
        // Adjacent words of a phrase come as separate ranges: join them when only a space parts them.
        if (last && /^\s*$/.test(text.slice(last[1], start))) last[1] = text.length;
        else highlights.push([start, text.length]);
      }
      start = null;
    } else text += ch === LT ? '<' : ch === GT ? '>' : ch === AMP ? '&' : ch;
  }
  return { text, highlights };
}

/**
 * The search statement (a page of hits, best first, with snippets), also used by the benchmark
 * to EXPLAIN it. The query must have a word that must match (see searchMessages).
 */
export function searchSql(input: SearchMessagesInput, asOf: number, cursor: Cursor | null): { text: string; params: unknown[] } {
  const params: unknown[] = [input.userId, input.query, new Date(asOf).toISOString()];
  const param = (value: unknown) => `$${params.push(value)}`;
  const tsq = `websearch_to_tsquery('${SEARCH_CONFIG}', $2)`;
  const where = [`m.search_tsv @@ ${tsq}`, `m.kind = 'text'`, 'm.deleted_at IS NULL', searchableBy('$1')];
  if (input.conversationId !== undefined) where.push(`m.conversation_id = ${param(input.conversationId)}::uuid`);
  if (input.senderId !== undefined) where.push(`m.sender_id = ${param(input.senderId)}::uuid`);
  if (input.since !== undefined) where.push(`m.created_at >= ${param(input.since)}::timestamptz`);
  if (input.until !== undefined) where.push(`m.created_at < ${param(input.until)}::timestamptz`);
  if (input.hasFile === true) where.push(`EXISTS (SELECT 1 FROM uploads att WHERE att.message_id = m.id AND att.state = 'attached')`);
  const after = cursor
    ? `WHERE (h.score, h.conversation_id, h.seq) < (${param(cursor.score)}::float8, ${param(cursor.conversationId)}::uuid, ${param(cursor.seq)}::bigint)`
    : '';
  const limit = param(input.limit + 1);
  return {
    text: `SELECT page.id::text AS id, page.conversation_id::text AS conversation_id, page.seq, page.sender_id::text AS sender_id,
            u.display_name AS sender_name, page.kind, page.created_at, page.edited_at, page.score,
            ts_headline('${SEARCH_CONFIG}', translate(page.body, '<>&${LT}${GT}${AMP}${START}${STOP}', '${LT}${GT}${AMP}'), ${tsq},
                        CASE WHEN char_length(page.body) <= ${WHOLE_SNIPPET_CHARS} THEN '${MARKERS}, HighlightAll=true' ELSE '${FRAGMENT_OPTIONS}' END) AS headline
       FROM (SELECT h.* FROM (
               SELECT m.id, m.conversation_id, m.seq, m.sender_id, m.kind::text AS kind, m.created_at, m.edited_at, m.body,
                      ts_rank_cd(m.search_tsv, ${tsq}, 1 | 32)
                        * (0.5 + 0.5 / (1 + GREATEST(0, extract(epoch FROM $3::timestamptz - m.created_at)) / ${RECENCY_HALF_LIFE_DAYS * 86_400}))::float8 AS score
                 FROM messages m
                WHERE ${where.join('\n                      AND ')}) h
             ${after}
             ORDER BY h.score DESC, h.conversation_id DESC, h.seq DESC
             LIMIT ${limit}) page
       JOIN users u ON u.id = page.sender_id
      ORDER BY page.score DESC, page.conversation_id DESC, page.seq DESC`,
    params,
  };
}

interface HitRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  sender_name: string;
  kind: SearchHit['kind'];
  created_at: Date;
  edited_at: Date | null;
  score: number;
  headline: string;
}

/**
 * Full-text search over the messages `userId` may see, best first: relevance (ts_rank_cd,
 * shorter messages first among equals) times recency. Uses the GIN index on search_tsv; a
 * query without any word that must match (empty, only operators, only exclusions) matches
 * nothing rather than scanning everything.
 */
export async function searchMessages(db: Db, input: SearchMessagesInput): Promise<MessageSearchPage> {
  const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor);
  const empty: MessageSearchPage = { hits: [], nextCursor: null };
  if (!isUuid(input.userId)) return empty;
  if (input.conversationId !== undefined && !isUuid(input.conversationId)) return empty;
  if (input.senderId !== undefined && !isUuid(input.senderId)) return empty;
  const asOf = cursor?.asOf ?? Date.now();

  return inTransaction(
    db,
    async (query) => {
      const [shape] = await query<{ nodes: number; indexable: string }>(
        `SELECT numnode(q) AS nodes, querytree(q) AS indexable FROM websearch_to_tsquery('${SEARCH_CONFIG}', $1) q`,
        [input.query],
      );
      if (!shape || shape.nodes === 0 || shape.indexable === 'T') return empty;

      const sql = searchSql(input, asOf, cursor);
      const rows = await query<HitRow>(sql.text, sql.params);
      const more = rows.length > input.limit;
      const hits = rows.slice(0, input.limit).map(
        (row): SearchHit => ({
          messageId: row.id,
          conversationId: row.conversation_id,
          seq: Number(row.seq),
          senderId: row.sender_id,
          senderDisplayName: row.sender_name,
          kind: row.kind,
          createdAt: row.created_at.toISOString(),
          editedAt: row.edited_at?.toISOString() ?? null,
          snippet: snippetOf(row.headline),
          score: row.score,
        }),
      );
      const last = hits.at(-1);
      return {
        hits,
        nextCursor: more && last ? encodeCursor({ asOf, score: last.score, conversationId: last.conversationId, seq: last.seq }) : null,
      };
    },
    { snapshot: true },
  );
}
