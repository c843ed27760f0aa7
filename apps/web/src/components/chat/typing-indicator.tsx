'use client';
import type { PublicUser } from '@parley/protocol';
import { typingText } from '../../lib/presence-text.ts';
import { useTypingUsers } from '../shell/use-presence.ts';

interface Props {
  conversationId: string;
  members: ReadonlyMap<string, PublicUser>;
}

/**
 * "Alice is typing…" under the log. The live region is always mounted (an empty one), because
 * screen readers only announce changes to regions that existed before the change; its fixed
 * height keeps the log from jumping when the text comes and goes.
 */
export function TypingIndicator({ conversationId, members }: Props) {
  const userIds = useTypingUsers(conversationId);
  const names = userIds.map((id) => members.get(id)?.displayName ?? 'Someone');
  const text = typingText(names);
  return (
    <div className="typing-indicator" role="status" aria-live="polite">
      {text === '' ? null : (
        <>
          <span className="typing-dots" aria-hidden="true"><span /><span /><span /></span>
          <span>{text}</span>
        </>
      )}
    </div>
  );
}
