import { MAX_FILE_NAME_CHARS } from '@parley/protocol';

// Control characters, and the bidirectional overrides that make "gpj.exe" read as "exe.jpg".
const UNSAFE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The name shown for a file: what the uploader called it, without any directory part, control
 * or direction-changing characters, at most MAX_FILE_NAME_CHARS long (the extension kept).
 * Never used as a path: storage keys come from the upload id.
 */
export function cleanFileName(raw: string): string {
  const base = raw.normalize('NFC').replace(LONE_SURROGATE, '').split(/[/\\]/).pop() ?? '';
  const name = base.replace(UNSAFE, '').trim();
  if (name === '' || name === '.' || name === '..') return 'file';
  if (name.length <= MAX_FILE_NAME_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  // The cut may split a surrogate pair: drop the half left behind.
  return name.slice(0, MAX_FILE_NAME_CHARS - ext.length).replace(LONE_SURROGATE, '') + ext;
}

/**
 * A Content-Disposition header that every browser reads the same way: an ASCII fallback name
 * and the exact one in RFC 8187 encoding (`filename*`).
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
