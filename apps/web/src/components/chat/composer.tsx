'use client';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { composerLimits } from '../../lib/composer-limits.ts';

interface Props {
  onSend: (body: string) => void;
  disabled?: boolean;
  placeholder: string;
  /** true on every keystroke that leaves text, false when emptied or blurred (throttled by the SDK). */
  onTypingChange?: (active: boolean) => void;
}

/** Enter sends, Shift+Enter breaks the line; the counter shows near the length limit. */
export function Composer({ onSend, disabled = false, placeholder, onTypingChange }: Props) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const limits = composerLimits(body);

  function submit(): void {
    if (!limits.canSend || disabled) return;
    try {
      onSend(body);
      setBody('');
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not send');
    }
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese, ...) must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    submit();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      <div className="composer-row">
        <textarea
          ref={input}
          className="composer-input"
          aria-label="Message"
          aria-describedby={limits.showCounter ? counterId : undefined}
          aria-invalid={limits.tooLong || undefined}
          placeholder={placeholder}
          rows={1}
          value={body}
          onChange={(e) => {
            setBody(e.target.value);
            onTypingChange?.(e.target.value.trim() !== '');
          }}
          onBlur={() => onTypingChange?.(false)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button button-primary" disabled={!limits.canSend || disabled}>
          Send
        </button>
      </div>
      {limits.showCounter ? (
        <p id={counterId} className={`composer-counter${limits.tooLong ? ' is-over' : ''}`} aria-live="polite">
          {limits.tooLong ? `${-limits.remaining} characters over the limit` : `${limits.remaining} characters left`}
        </p>
      ) : null}
    </form>
  );
}
