'use client';
import { presenceLabel } from '../lib/presence-text.ts';
import { useNow } from '../lib/use-now.ts';
import { usePresence } from './shell/use-presence.ts';

/** "last seen 12 min ago" is re-rendered on this cadence. */
const PRESENCE_TICK_MS = 60_000;

interface Props {
  userId: string | undefined;
  id?: string;
  className?: string;
}

/**
 * A coloured dot and the words for a user's status. The dot is decoration (aria-hidden); the
 * words carry the meaning for everyone. Renders nothing for users whose status is unknown.
 */
export function PresenceStatus({ userId, id, className }: Props) {
  const presence = usePresence(userId);
  const now = useNow(PRESENCE_TICK_MS);
  const label = presenceLabel(presence, now);
  if (label === null) return null;
  return (
    <span id={id} className={`presence is-${label.tone}${className ? ` ${className}` : ''}`}>
      <span className="presence-dot" aria-hidden="true" />
      <span className="presence-text">{label.text}</span>
    </span>
  );
}
