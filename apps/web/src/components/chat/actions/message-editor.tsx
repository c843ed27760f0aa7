'use client';
import { useEffect, useId, useRef, useState } from 'react';
import { composerLimits } from '../../../lib/composer-limits.ts';

interface Props {
  initial: string;
  onSave: (body: string) => void;
  onCancel: () => void;
}

/** Edits a message in place: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export function MessageEditor({ initial, onSave, onCancel }: Props) {
  const [body, setBody] = useState(initial);
  const input = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const limits = composerLimits(body);

  useEffect(() => {
    const el = input.current;
    if (el === null) return;
    el.focus({ preventScroll: true });
    el.setSelectionRange(el.value.length, el.value.length);
    el.scrollIntoView({ block: 'nearest' });
  }, []);

  const save = () => {
    if (!limits.canSend) return;
    if (body === initial) onCancel();
    else onSave(body);
  };

  return (
    <div className="message-editor">
      <textarea
        ref={input}
        className="composer-input"
        aria-label="Edit message"
        aria-describedby={hintId}
        aria-invalid={limits.tooLong || undefined}
        value={body}
        rows={1}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <div className="message-editor-row">
        <span id={hintId} className="muted">
          {limits.tooLong ? `${-limits.remaining} characters over the limit` : 'Escape to cancel · Enter to save'}
        </span>
        <button type="button" className="button button-small button-quiet" onClick={onCancel}>Cancel</button>
        <button type="button" className="button button-small button-primary" disabled={!limits.canSend} onClick={save}>Save</button>
      </div>
    </div>
  );
}
