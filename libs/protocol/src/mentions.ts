/**
 * `@handle` as people type it: not preceded by a letter, digit, `_` or `@` (so e-mail
 * addresses are not mentions), 3–32 handle characters, case-insensitive (handles are stored
 * lowercase). The server resolves these against the conversation's members; clients use the
 * same rule to highlight them.
 */
export const MENTION_PATTERN = /(?<![\p{L}\p{N}_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/gu;

/** The handles mentioned in `body`, lowercased, each once, in order of first mention. */
export function mentionedHandles(body: string): string[] {
  const seen = new Set<string>();
  for (const match of body.matchAll(MENTION_PATTERN)) {
    const handle = match[1];
    if (handle !== undefined) seen.add(handle.toLowerCase());
  }
  return [...seen];
}
