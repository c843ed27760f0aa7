'use client';
import type { PublicUser } from '@parley/protocol';
import { Avatar } from '../../avatar.tsx';

interface Props {
  id: string;
  options: readonly PublicUser[];
  activeIndex: number;
  optionId: (index: number) => string;
  onPick: (user: PublicUser) => void;
}

/** The `@` list above the composer; focus stays in the textarea (aria-activedescendant). */
export function MentionSuggestions({ id, options, activeIndex, optionId, onPick }: Props) {
  return (
    <ul id={id} className="mention-suggestions" role="listbox" aria-label="Mention suggestions">
      {options.map((user, i) => (
        <li
          key={user.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === activeIndex}
          aria-label={`${user.displayName} @${user.handle}`}
          className={`mention-option${i === activeIndex ? ' is-active' : ''}`}
          // Keep focus (and the caret) in the composer.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(user)}
        >
          <Avatar name={user.displayName} id={user.id} size="small" />
          <span className="mention-option-name">{user.displayName}</span>
          <span className="mention-option-handle">@{user.handle}</span>
        </li>
      ))}
    </ul>
  );
}
