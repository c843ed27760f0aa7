'use client';
import { useId, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import type { Attachment, PublicUser } from '@parley/protocol';
import { composerLimits } from '../../../lib/composer-limits.ts';
import type { ReplyQuote } from '../../../lib/reply-quote.ts';
import { MentionSuggestions } from './mention-suggestions.tsx';
import { ReplyBar } from './reply-bar.tsx';
import { useMentionAutocomplete } from './use-mention-autocomplete.ts';
import { DraftFilesList } from './draft-files-list.tsx';
import type { DraftFiles } from './use-attachments.ts';

interface Props {
  /** The draft lives with the chat view (it is saved per conversation); the composer edits it. */
  body: string;
  onBodyChange: (body: string) => void;
  reply: ReplyQuote | null;
  onCancelReply: () => void;
  /** Throws to refuse (the message shows above the box); the caller clears the draft. */
  onSend: (body: string, attachments: Attachment[]) => void;
  /** The files of this message (uploads start when they are added; drops land here too). */
  files: DraftFiles;
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
  const { body, onBodyChange, reply, onCancelReply, onSend, onEditLast, members, meId, inputRef, disabled = false, placeholder, onTypingChange, onFocus, files } = props;
  const [error, setError] = useState<string | null>(null);
  const counterId = useId();
  const picker = useRef<HTMLInputElement>(null);
  const limits = composerLimits(body);
  const mentions = useMentionAutocomplete({ input: inputRef, body, setBody: onBodyChange, members, meId });
  const hasFiles = files.files.length > 0;
  // With files the text is an optional caption (a blank one goes as ''); it goes once every upload is done.
  const canSend = hasFiles ? files.ready && !limits.tooLong : limits.canSend;

  function submit(): void {
    if (!canSend || disabled) return;
    try {
      onSend(body.trim() === '' && hasFiles ? '' : body, files.attachments);
      files.clear();
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not send');
    }
    inputRef.current?.focus();
  }

  function addFiles(list: Iterable<File>): void {
    setError(files.add(list));
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>): void {
    const pasted = [...event.clipboardData.files];
    if (pasted.length === 0) return;
    // A pasted image is a file to send, not text to insert.
    event.preventDefault();
    addFiles(pasted);
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
      <DraftFilesList files={files.files} onRemove={files.remove} onRetry={files.retry} />
      <div className="composer-row">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            if (e.target.files) addFiles(e.target.files);
            // The same file can be picked again after it was removed.
            e.target.value = '';
          }}
        />
        <button type="button" className="icon-button composer-attach" aria-label="Attach files" title="Attach files" onClick={() => picker.current?.click()} disabled={disabled}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
            <path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
          </svg>
        </button>
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
          onPaste={onPaste}
        />
        <button type="submit" className="button button-primary" disabled={!canSend || disabled}>
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
