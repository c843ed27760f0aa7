'use client';
import { useId } from 'react';
import type { Reaction } from '@parley/protocol';
import { reactionPills } from '../../../lib/reaction-summary.ts';
import { useChatActions } from './chat-actions.tsx';
import { ReactIcon } from './icons.tsx';

/** Pills under a message: emoji and count, mine highlighted, who reacted on hover or focus. */
export function ReactionBar({ messageId, reactions }: { messageId: string; reactions: readonly Reaction[] }) {
  const actions = useChatActions();
  const baseId = useId();
  const pills = reactionPills(reactions, actions.meId, actions.nameOf);
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {pills.map((pill, i) => {
        const tipId = `${baseId}-${i}`;
        return (
          <span key={pill.emoji} className="reaction">
            <button
              type="button"
              className={`reaction-pill${pill.mine ? ' is-mine' : ''}`}
              aria-pressed={pill.mine}
              aria-label={`${pill.emoji} ${pill.count}`}
              aria-describedby={tipId}
              onClick={() => actions.toggleReaction(messageId, pill.emoji)}
            >
              <span className="reaction-emoji" aria-hidden="true">{pill.emoji}</span>
              <span className="reaction-count" aria-hidden="true">{pill.count}</span>
            </button>
            <span role="tooltip" id={tipId} className="reaction-tip">
              {pill.who} reacted with {pill.emoji}
            </span>
          </span>
        );
      })}
      <button type="button" className="reaction-pill reaction-add" aria-label="Add another reaction" title="Add reaction" onClick={(e) => actions.openPicker(messageId, e.currentTarget)}>
        <ReactIcon />
      </button>
    </div>
  );
}
