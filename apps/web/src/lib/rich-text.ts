import { MENTION_PATTERN } from '@parley/protocol';
import { findLinks } from './links.ts';

/** A member a `@handle` in the text stands for. */
export interface MentionTarget {
  id: string;
  handle: string;
  displayName: string;
}

/**
 * A piece of a message body. Rendered as React elements (text nodes, <a>, <span>), never as an
 * HTML string: whatever markup the text holds is shown as the characters it is.
 */
export type TextSegment =
  | { type: 'text'; text: string }
  | { type: 'link'; text: string; href: string }
  | { type: 'mention'; text: string; user: MentionTarget };

/** Resolves a lowercased handle to the member it mentions, or undefined (then it stays text). */
export type MentionResolver = (handle: string) => MentionTarget | undefined;

/**
 * Splits a body into text, links and mentions. Links win over mentions (`https://x.org/@bob`
 * is a link); a `@handle` the resolver does not know stays plain text.
 */
export function parseMessageText(body: string, mentionOf: MentionResolver): TextSegment[] {
  const out: TextSegment[] = [];
  let at = 0;
  for (const link of findLinks(body)) {
    pushMentions(out, body.slice(at, link.start), mentionOf);
    out.push({ type: 'link', text: link.text, href: link.href });
    at = link.end;
  }
  pushMentions(out, body.slice(at), mentionOf);
  return out;
}

function pushMentions(out: TextSegment[], text: string, mentionOf: MentionResolver): void {
  let at = 0;
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const user = mentionOf((match[1] ?? '').toLowerCase());
    if (user === undefined) continue;
    pushText(out, text.slice(at, match.index));
    out.push({ type: 'mention', text: match[0], user });
    at = match.index + match[0].length;
  }
  pushText(out, text.slice(at));
}

function pushText(out: TextSegment[], text: string): void {
  if (text === '') return;
  const last = out.at(-1);
  if (last?.type === 'text') last.text += text;
  else out.push({ type: 'text', text });
}

/**
 * The resolver for one message: committed messages mention exactly the ids the server resolved
 * (`mentions`); a message still sending has none yet, so every member's handle counts.
 */
export function mentionResolver(members: Iterable<MentionTarget>, mentionIds: readonly string[] | undefined): MentionResolver {
  const byHandle = new Map<string, MentionTarget>();
  for (const m of members) {
    if (mentionIds === undefined || mentionIds.includes(m.id)) byHandle.set(m.handle.toLowerCase(), m);
  }
  return (handle) => byHandle.get(handle);
}
