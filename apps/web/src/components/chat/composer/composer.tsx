'use client';
import { useId, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import type { PublicUser } from '@parley/protocol';
import { composerLimits } from '../../../lib/composer-limits.ts';
import type { ReplyQuote } from '../../../lib/reply-quote.ts';
import { MentionSuggestions } from './mention-suggestions.tsx';
import { ReplyBar } from './reply-bar.tsx';
import { useMentionAutocomplete } from './use-mention-autocomplete.ts';

interface Props {
  /** The draft lives with the chat view (it is saved per conversation); the composer edits it. */
  body: string;
  onBodyChange: (body: string) => void;
  reply: ReplyQuote | null;
  onCancelReply: () => void;
  /** Throws to refuse (the message shows above the box); the caller clears the draft. */
  onSend: (body: string) => void;
  /** Up-arrow in an empty box: edit my last message. Returns whether there was one. */
  onEditLast: () => boolean;
  members: readonly PublicUser[];
  meId: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  disabled?: boolean;
  placeholder: string;
  /** true on every keystroke that leaves text, false when emptied or blurred (throttled by the SDK). */
  onTypingChange?: (active: boolean) => void;
  /** The person is about to write: a chance to check the connection before they press Send. */
  onFocus?: () => void;
}

/** Enter sends, Shift+Enter breaks the line, `@` suggests members, the counter shows near the limit. */
export function Composer(props: Props) {
  const { body, onBodyChange, reply, onCancelReply, onSend, onEditLast, members, meId, inputRef, disabled = false, placeholder, onTypingChange, onFocus } = props;
  const [error, setError] = useState<string | null>(null);
  const counterId = useId();
  const limits = composerLimits(body);
  const mentions = useMentionAutocomplete({ input: inputRef, body, setBody: onBodyChange, members, meId });

  function submit(): void {
    if (!limits.canSend || disabled) return;
    try {
      onSend(body);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not send');
    }
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (mentions.onKeyDown(event)) return;
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese, ...) must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'ArrowUp' && body === '' && !event.shiftKey && !event.altKey) {
      if (onEditLast()) event.preventDefault();
    } else if (event.key === 'Escape' && reply !== null) {
      event.preventDefault();
      onCancelReply();
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    submit();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      {reply !== null ? <ReplyBar quote={reply} onCancel={onCancelReply} /> : null}
      <div className="composer-row">
        {mentions.visible ? (
          <MentionSuggestions id={mentions.listId} options={mentions.options} activeIndex={mentions.activeIndex} optionId={mentions.optionId} onPick={mentions.pick} />
        ) : null}
        <textarea
          ref={inputRef}
          className="composer-input"
          aria-label="Message"
          aria-describedby={limits.showCounter ? counterId : undefined}
          aria-invalid={limits.tooLong || undefined}
          aria-autocomplete="list"
          aria-controls={mentions.visible ? mentions.listId : undefined}
          aria-activedescendant={mentions.visible ? mentions.optionId(mentions.activeIndex) : undefined}
          placeholder={placeholder}
          rows={1}
          value={body}
          onChange={(e) => {
            onBodyChange(e.target.value);
            mentions.trackCaret();
            onTypingChange?.(e.target.value.trim() !== '');
          }}
          onSelect={mentions.trackCaret}
          onFocus={onFocus}
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
