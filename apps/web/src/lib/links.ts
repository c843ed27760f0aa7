/** The only schemes a message link may use; anything else (javascript:, data:, file:) stays text. */
export const LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

export interface LinkMatch {
  /** UTF-16 offsets of the link in the text, end exclusive. */
  start: number;
  end: number;
  /** As written (what the reader sees). */
  text: string;
  /** Normalised by the URL parser; always one of LINK_PROTOCOLS. */
  href: string;
}

// Candidates only: each is checked by `safeHref` before it becomes a link. Scheme links must
// not be glued to a preceding word ("xhttp://"), bare e-mail addresses need a dotted domain.
const CANDIDATE =
  /(?<![\p{L}\p{N}_.+-])(?:(?:https?:\/\/|www\.)[^\s<>"`]+|mailto:[^\s<>"`]+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})/giu;

/** Punctuation that ends a sentence rather than a URL ("see https://x.org."). */
const TRAILING = /[.,:;!?'’”*_~]$/u;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * The href for a link the reader wrote, or null when it must not be a link. Only http(s) with a
 * host, and mailto with an address, pass; the result comes from the URL parser, so it is
 * percent-encoded and cannot smuggle markup or another scheme.
 */
export function safeHref(raw: string): string | null {
  const withScheme = /^www\./i.test(raw) ? `https://${raw}` : /^[^:/?#\s]+@/u.test(raw) ? `mailto:${raw}` : raw;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (!LINK_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol === 'mailto:') return url.pathname.includes('@') && !url.pathname.startsWith('@') ? url.href : null;
  return url.hostname === '' ? null : url.href;
}

/** Drops sentence punctuation and closing brackets that the URL did not open. */
function trimTrailing(candidate: string): string {
  let text = candidate;
  for (;;) {
    const last = text.at(-1) ?? '';
    if (TRAILING.test(last)) {
      text = text.slice(0, -1);
      continue;
    }
    const opener = PAIRS[last];
    if (opener !== undefined && count(text, last) > count(text, opener)) {
      text = text.slice(0, -1);
      continue;
    }
    return text;
  }
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n += 1;
  return n;
}

/** The links in a plain-text message, in order, never overlapping. */
export function findLinks(text: string): LinkMatch[] {
  const out: LinkMatch[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const written = trimTrailing(match[0]);
    const href = safeHref(written);
    // "www." or "https://" alone is not a link.
    if (href === null || /^(?:https?:\/\/|www\.|mailto:)$/i.test(written)) continue;
    out.push({ start: match.index, end: match.index + written.length, text: written, href });
  }
  return out;
}
