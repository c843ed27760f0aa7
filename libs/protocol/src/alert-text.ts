import type { CallMedia } from './calls.ts';
import { attachmentsText } from './files.ts';
import type { Message } from './models.ts';
import type { PushContent } from './notifications.ts';

/**
 * Longest notification body, in UTF-16 code units (JavaScript string length), the ellipsis
 * included. Small enough for a Web Push payload (4 KiB is the protocol's floor, less the
 * encryption's overhead), and the same for page alerts, so both say the same thing.
 */
export const ALERT_BODY_MAX_CHARS = 300;

/** What a notification shows: ready to display. */
export interface AlertText {
  title: string;
  body: string;
}

let segmenter: Intl.Segmenter | null | undefined;

/** User-perceived characters (grapheme clusters); code points where Intl.Segmenter is missing. */
function characters(text: string): Iterable<string> {
  if (segmenter === undefined) {
    const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
    segmenter = Segmenter ? new Segmenter(undefined, { granularity: 'grapheme' }) : null;
  }
  if (segmenter === null) return text;
  const segments = segmenter.segment(text);
  return (function* () {
    for (const { segment } of segments) yield segment;
  })();
}

/**
 * Whitespace folded to single spaces, then cut to at most `maxChars` UTF-16 code units with a
 * trailing "…". The cut falls between whole characters: never inside a surrogate pair, an emoji
 * sequence (👩‍👩‍👧, 🇵🇹) or a letter and its combining marks.
 */
export function shortenText(text: string, maxChars: number = ALERT_BODY_MAX_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const budget = maxChars - 1; // room for the ellipsis
  let end = 0;
  for (const character of characters(flat)) {
    if (end + character.length > budget) break;
    end += character.length;
  }
  return `${flat.slice(0, end).trimEnd()}…`;
}

export interface MessageAlertInput {
  /** The sender's display name as the recipient knows it. */
  senderName: string;
  conversation: { kind: 'direct' | 'group'; title: string | null };
  message: Pick<Message, 'body' | 'mentions' | 'attachments'>;
  /** Who is alerted: a group message that mentions them says so. */
  recipientId: string;
  /** `text`: the sender (and the group) and the text; `sender`: only who wrote. */
  content: PushContent;
}

/**
 * The words of a new-message notification, for a Web Push and a page alert alike. Never more
 * than `content` allows: with `sender`, neither the text nor the group's title.
 */
export function messageAlertText(input: MessageAlertInput): AlertText {
  const { senderName, conversation, message } = input;
  if (input.content === 'sender') {
    const mention = conversation.kind === 'group' && message.mentions.includes(input.recipientId);
    return { title: mention ? `${senderName} mentioned you` : `New message from ${senderName}`, body: '' };
  }
  const where = conversation.kind === 'group' && conversation.title ? ` in ${conversation.title}` : '';
  // A message of files alone says which (the notification would otherwise be blank).
  const body = shortenText(message.body) || attachmentsText(message.attachments ?? []);
  return { title: `${senderName}${where}`, body };
}

/** A ringing call (`ringing`), or the "missed call" that replaces it. */
export function callAlertText(media: CallMedia, callerName: string, ringing: boolean): AlertText {
  const what = media === 'video' ? 'video call' : 'call';
  return ringing ? { title: `Incoming ${what} from ${callerName}`, body: 'Tap to answer' } : { title: `Missed ${what} from ${callerName}`, body: '' };
}
