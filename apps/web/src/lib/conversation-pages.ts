import type { ConversationSummary } from './api-types.ts';
import { keepNewerActivity, sortByActivity } from './conversation-list.ts';

/** The app opens on this many conversations (what a sidebar shows, and then some). */
export const FIRST_PAGE = 50;
/** The rest load behind it this many at a time (the server's most per page). */
export const NEXT_PAGE = 200;

export type PageCursor = { lastActivityAt: string; id: string };
export type FetchPage = (limit: number, before: PageCursor | undefined) => Promise<ConversationSummary[]>;
/** True when the pages read so far are enough: reading stops after this page. */
export type EnoughAt = (page: readonly ConversationSummary[]) => boolean;

/**
 * Reads the whole conversation list a page at a time (`conversations.list` with `limit` and
 * `before`, PROTOCOL.md §10), newest activity first, and hands over what it has after every
 * page: a user with a thousand conversations sees the first fifty after one small query
 * (about 15 ms of server time, against about 230 ms for the whole list in one go).
 */
export async function loadConversationPages(
  fetchPage: FetchPage,
  onPage: (soFar: readonly ConversationSummary[]) => void,
  enoughAt?: EnoughAt,
): Promise<ConversationSummary[]> {
  const loaded: ConversationSummary[] = [];
  const at = new Map<string, number>();
  let limit = FIRST_PAGE;
  let cursor: PageCursor | undefined;
  for (;;) {
    const page = await fetchPage(limit, cursor);
    for (const c of page) {
      // On two pages (its activity changed between them, PROTOCOL.md §10): once, the later seq.
      const seen = at.get(c.id);
      if (seen === undefined) at.set(c.id, loaded.push(c) - 1);
      else if (c.lastSeq > loaded[seen]!.lastSeq) loaded[seen] = c;
    }
    const last = page.at(-1);
    if (page.length < limit || last === undefined || enoughAt?.(page) === true) return loaded;
    onPage(loaded);
    cursor = { lastActivityAt: last.lastActivityAt, id: last.id };
    limit = NEXT_PAGE;
  }
}

/**
 * What the cache shows while pages arrive: every conversation it held, updated by the pages read
 * so far (a later seq held from a live event wins, as in keepNewerActivity). Nothing is taken
 * away before the last page: a refetch after a reconnect never shrinks the sidebar to one page.
 */
export function addLoaded(cached: readonly ConversationSummary[] | undefined, soFar: readonly ConversationSummary[]): ConversationSummary[] {
  const fetched = keepNewerActivity(soFar, cached);
  const seen = new Set(fetched.map((c) => c.id));
  return sortByActivity([...fetched, ...(cached ?? []).filter((c) => !seen.has(c.id))]);
}

/**
 * The list once every page is read. A conversation held but on no page is gone (left, removed),
 * unless a live event touched it while the pages were read (it is new to the cache, or its
 * seq moved): then it moved up past the pages already read (PROTOCOL.md §10: "may show on both
 * or on neither"), and the cache knows it better than the pages did. No clocks are compared.
 */
export function settleLoaded(
  cached: readonly ConversationSummary[] | undefined,
  fetched: readonly ConversationSummary[],
  cachedAtStart: readonly ConversationSummary[] | undefined,
): ConversationSummary[] {
  const settled = keepNewerActivity(fetched, cached);
  const seen = new Set(settled.map((c) => c.id));
  const before = new Map((cachedAtStart ?? []).map((c) => [c.id, c.lastSeq] as const));
  const touched = (c: ConversationSummary) => {
    const seq = before.get(c.id);
    return seq === undefined || seq < c.lastSeq;
  };
  const movedUp = (cached ?? []).filter((c) => !seen.has(c.id) && touched(c));
  return movedUp.length === 0 ? settled : sortByActivity([...settled, ...movedUp]);
}

/**
 * Where reading the list again from the top may stop, after a read that may have missed what
 * changed while it ran (it started before the socket was subscribed). Any change to a
 * conversation (a message, an edit, a membership) moves it to the top of the list. So below a
 * conversation that is just as `held` says (same seq), and that no live event has touched
 * since, nothing changed after the held read saw it: such a change would have moved the
 * conversation above it. Live events do not count (`touchedLive`): they arrive after the
 * subscription, so a conversation they moved up proves nothing about those below it.
 * Removals do not move anything; reading from the top never finds them.
 */
export function reachesUnchanged(held: readonly ConversationSummary[] | undefined, touchedLive: ReadonlySet<string>): EnoughAt {
  const seqs = new Map((held ?? []).map((c) => [c.id, c.lastSeq] as const));
  return (page) => page.some((c) => !touchedLive.has(c.id) && seqs.get(c.id) === c.lastSeq);
}

/** The list without one conversation (we left it, or were removed). */
export function withoutConversation(list: readonly ConversationSummary[], conversationId: string): ConversationSummary[] {
  return list.filter((c) => c.id !== conversationId);
}

/** A conversation learnt on its own (`conversations.get`), put where its activity places it. */
export function withConversation(list: readonly ConversationSummary[], conversation: ConversationSummary): ConversationSummary[] {
  return addLoaded(list, [conversation]);
}
