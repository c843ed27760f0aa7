import type { PublicUser } from '@parley/protocol';

/** Suggestions shown at once; typing narrows them. */
export const MAX_MENTION_SUGGESTIONS = 6;

export interface MentionQuery {
  /** Offset of the `@`. */
  start: number;
  /** End of the handle being typed (the caret, or further if the caret sits inside it). */
  end: number;
  /** What follows the `@` up to the caret, as typed. */
  query: string;
}

const HANDLE_CHAR = /[A-Za-z0-9_]/;
// Same boundary as the server's MENTION_PATTERN: e-mail addresses do not open a mention.
const BOUNDARY = /[\p{L}\p{N}_@]/u;

/** The `@handle` being typed at `caret`, or null when the caret is not in one. */
export function activeMentionQuery(text: string, caret: number): MentionQuery | null {
  let at = caret;
  while (at > 0 && HANDLE_CHAR.test(text[at - 1] ?? '')) at -= 1;
  if (text[at - 1] !== '@') return null;
  const start = at - 1;
  if (start > 0 && BOUNDARY.test(text[start - 1] ?? '')) return null;
  const query = text.slice(at, caret);
  if (query.length > 32) return null;
  let end = caret;
  while (end < text.length && HANDLE_CHAR.test(text[end] ?? '')) end += 1;
  return { start, end, query };
}

/**
 * Members matching what was typed after `@`, best first: handle prefix, then a name that starts
 * with it, then a word of the name, then anywhere. The reader is never suggested.
 */
export function suggestMembers(
  members: readonly PublicUser[],
  query: string,
  meId: string,
  limit: number = MAX_MENTION_SUGGESTIONS,
): PublicUser[] {
  const q = query.toLowerCase();
  const scored: Array<{ user: PublicUser; score: number }> = [];
  for (const user of members) {
    if (user.id === meId) continue;
    const score = matchScore(user, q);
    if (score !== null) scored.push({ user, score });
  }
  scored.sort((a, b) => a.score - b.score || a.user.displayName.localeCompare(b.user.displayName));
  return scored.slice(0, limit).map((s) => s.user);
}

function matchScore(user: PublicUser, q: string): number | null {
  if (q === '') return 0;
  const handle = user.handle.toLowerCase();
  const name = user.displayName.toLowerCase();
  if (handle.startsWith(q)) return 0;
  if (name.startsWith(q)) return 1;
  if (name.split(/\s+/).some((word) => word.startsWith(q))) return 2;
  if (handle.includes(q) || name.includes(q)) return 3;
  return null;
}

/** Replaces the query with `@handle ` and says where the caret goes. */
export function insertMention(text: string, query: MentionQuery, handle: string): { text: string; caret: number } {
  const after = text.slice(query.end);
  const insert = `@${handle}${after.startsWith(' ') ? '' : ' '}`;
  const caret = query.start + insert.length + (after.startsWith(' ') ? 1 : 0);
  return { text: text.slice(0, query.start) + insert + after, caret };
}
