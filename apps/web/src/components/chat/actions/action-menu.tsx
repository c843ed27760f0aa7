'use client';
import { useEffect, useRef, type ReactNode } from 'react';
import { moveFocus, Popover, type CloseReason } from '../../popover.tsx';

export interface MenuAction {
  label: string;
  icon: ReactNode;
  onSelect: () => void;
  danger?: boolean;
}

interface Props {
  anchor: HTMLElement;
  actions: readonly MenuAction[];
  /** Emoji offered as one-tap reactions above the actions (what a long-press on a phone shows). */
  quickReactions: readonly string[];
  onReact: (emoji: string) => void;
  onClose: (reason: CloseReason | 'select') => void;
}

const ITEM = '[role="menuitem"]';

/** A message's actions as an ARIA menu: arrows move, Enter picks, Escape closes. */
export function ActionMenu({ anchor, actions, quickReactions, onReact, onClose }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The first action, not the first emoji: keyboard users mostly want Reply or Edit.
    ref.current?.querySelector<HTMLElement>('.menu-item')?.focus({ preventScroll: true });
  }, []);

  return (
    <Popover
      anchor={anchor}
      role="menu"
      label="Message actions"
      className="action-menu"
      onClose={onClose}
      onKeyDown={(event) => {
        const root = ref.current;
        if (event.key === 'Tab') onClose('outside');
        else if (root !== null && moveFocus(root, ITEM, event.key)) event.preventDefault();
      }}
    >
      <div ref={ref}>
        {quickReactions.length > 0 ? (
          <div className="menu-reactions" role="group" aria-label="Quick reactions">
            {quickReactions.map((emoji) => (
              <button
                key={emoji}
                type="button"
                role="menuitem"
                className="menu-emoji"
                aria-label={`React with ${emoji}`}
                onClick={() => {
                  onReact(emoji);
                  onClose('select');
                }}
              >
                {emoji}
              </button>
            ))}
          </div>
        ) : null}
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            role="menuitem"
            className={`menu-item${action.danger ? ' is-danger' : ''}`}
            onClick={() => {
              onClose('select');
              action.onSelect();
            }}
          >
            <span className="menu-icon" aria-hidden="true">{action.icon}</span>
            {action.label}
          </button>
        ))}
      </div>
    </Popover>
  );
}
