'use client';
import type { ReplyQuote } from '../../../lib/reply-quote.ts';

/** "Replying to Ana" above the composer, with the parent's first line and a way out. */
export function ReplyBar({ quote, onCancel }: { quote: ReplyQuote; onCancel: () => void }) {
  return (
    <div className="reply-bar">
      <div className="reply-bar-text">
        <span className="reply-bar-title">
          Replying to <strong>{quote.author}</strong>
        </span>
        <span className={`reply-bar-excerpt${quote.text === null ? ' is-deleted' : ''}`}>{quote.text ?? 'Deleted message'}</span>
      </div>
      <button type="button" className="icon-button" aria-label="Cancel reply" title="Cancel reply (Escape)" onClick={onCancel}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
