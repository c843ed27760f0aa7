'use client';
import { useId, useMemo, useRef, useState } from 'react';
import { EMOJI_GROUPS, nameOfEmoji, searchEmoji, type EmojiOption } from '../../../lib/emoji-set.ts';
import { Popover, type CloseReason } from '../../popover.tsx';

interface Props {
  anchor: HTMLElement;
  frequent: readonly string[];
  /** Why an emoji cannot be added right now (a limit), or null. */
  blockedReason: (emoji: string) => string | null;
  onPick: (emoji: string) => void;
  onClose: (reason: CloseReason | 'select') => void;
}

const OPTION = '.emoji-option';
/** Matches `.emoji-grid`'s columns in the stylesheet: Up and Down move by a row. */
export const EMOJI_COLUMNS = 8;

/** Arrow keys over the enabled options, row by row like the grid looks. */
function moveInGrid(root: HTMLElement, key: string): boolean {
  const items = [...root.querySelectorAll<HTMLElement>(`${OPTION}:not(:disabled)`)];
  const index = items.indexOf(document.activeElement as HTMLElement);
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: EMOJI_COLUMNS, ArrowUp: -EMOJI_COLUMNS }[key];
  if (index === -1 || step === undefined) return false;
  const next = index + step;
  if (next < 0) {
    root.parentElement?.querySelector<HTMLElement>('.emoji-search')?.focus();
    return true;
  }
  items[Math.min(next, items.length - 1)]?.focus();
  return true;
}

/** A small picker: search, the reader's frequent emoji, then a curated set by group. */
export function EmojiPicker({ anchor, frequent, blockedReason, onPick, onClose }: Props) {
  const [query, setQuery] = useState('');
  const grid = useRef<HTMLDivElement>(null);
  const headingId = useId();
  const results = useMemo(() => (query.trim() === '' ? null : searchEmoji(query)), [query]);
  const frequentOptions = frequent.map((emoji) => ({ emoji, name: nameOfEmoji(emoji) ?? emoji }));

  const pick = (emoji: string) => {
    onClose('select');
    onPick(emoji);
  };
  const button = (option: EmojiOption) => {
    const blocked = blockedReason(option.emoji);
    return (
      <button
        key={option.emoji}
        type="button"
        className="emoji-option"
        title={blocked ?? option.name}
        disabled={blocked !== null}
        onClick={() => pick(option.emoji)}
      >
        {option.emoji}
      </button>
    );
  };

  return (
    <Popover
      anchor={anchor}
      role="dialog"
      label="Choose a reaction"
      className="emoji-picker"
      onClose={onClose}
      onKeyDown={(event) => {
        const root = grid.current;
        if (root === null || !(event.target instanceof HTMLElement) || !event.target.classList.contains('emoji-option')) return;
        if (moveInGrid(root, event.key)) event.preventDefault();
      }}
    >
      <input
        type="search"
        className="input emoji-search"
        aria-label="Search emoji"
        placeholder="Search emoji"
        value={query}
        // The picker opens on a click or a key; typing at once is what people expect.
        autoFocus
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            grid.current?.querySelector<HTMLElement>(`${OPTION}:not(:disabled)`)?.focus();
          } else if (event.key === 'Enter') {
            event.preventDefault();
            const first = (results ?? frequentOptions).find((o) => blockedReason(o.emoji) === null);
            if (first !== undefined) pick(first.emoji);
          }
        }}
      />
      <div ref={grid} className="emoji-scroll">
        {results !== null ? (
          results.length === 0 ? (
            <p className="muted emoji-empty">No emoji match “{query.trim()}”.</p>
          ) : (
            <div className="emoji-grid" role="group" aria-label="Search results">{results.map(button)}</div>
          )
        ) : (
          <>
            <h3 className="emoji-heading" id={headingId}>Frequently used</h3>
            <div className="emoji-grid" role="group" aria-labelledby={headingId}>{frequentOptions.map(button)}</div>
            {EMOJI_GROUPS.map((group) => (
              <section key={group.label} aria-label={group.label}>
                <h3 className="emoji-heading">{group.label}</h3>
                <div className="emoji-grid">{group.options.map(button)}</div>
              </section>
            ))}
          </>
        )}
      </div>
    </Popover>
  );
}
