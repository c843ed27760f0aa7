import type { Snippet } from '@parley/protocol';

/** Where a search hit opens: the conversation at that message. */
export function hitHref(conversationId: string, seq: number): string {
  return `/c/${encodeURIComponent(conversationId)}?at=${seq}`;
}

/** The `at` query parameter: a positive integer seq, or nothing. */
export function parseAtSeq(value: string | null): number | undefined {
  if (value === null || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const seq = Number(value);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * A snippet cut into plain and highlighted runs, for React to render as text (never as HTML).
 * Ranges out of order, overlapping or out of bounds are clamped or skipped.
 */
export function snippetParts(snippet: Snippet): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [rawStart, rawEnd] of snippet.highlights) {
    const start = Math.max(at, Math.min(rawStart, snippet.text.length));
    const end = Math.max(start, Math.min(rawEnd, snippet.text.length));
    if (end === start) continue;
    if (start > at) parts.push({ text: snippet.text.slice(at, start), match: false });
    parts.push({ text: snippet.text.slice(start, end), match: true });
    at = end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), match: false });
  return parts;
}
