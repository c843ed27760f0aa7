'use client';
import type { ReplyQuote } from '../../../lib/reply-quote.ts';

/** The parent of a reply, above it; a click scrolls to the parent (loading older pages if needed). */
export function ReplyQuoteButton({ quote, onJump }: { quote: ReplyQuote; onJump: () => void }) {
  const text = quote.text ?? 'Deleted message';
  return (
    <button type="button" className="reply-quote" aria-label={`Reply to ${quote.author}: ${text}. Show message`} onClick={onJump}>
      <span className="reply-quote-author">{quote.author}</span>
      <span className={`reply-quote-text${quote.text === null ? ' is-deleted' : ''}`}>{text}</span>
    </button>
  );
}
