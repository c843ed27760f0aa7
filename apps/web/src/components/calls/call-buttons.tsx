'use client';
import type { CallMedia } from '@parley/protocol';
import { useCallSession, useCallSnapshot } from './call-provider.tsx';

/** Chat header actions: start an audio or video call, or join the group's running call. */
interface Props {
  conversationId: string;
  isGroup: boolean;
}

export function CallButtons({ conversationId, isGroup }: Props) {
  const session = useCallSession();
  const snap = useCallSnapshot();
  const busy = snap === null || (snap.state.status !== 'idle' && snap.state.status !== 'ended');
  const running = isGroup ? snap?.running[conversationId] : undefined;
  const start = (media: CallMedia) => void session?.start(conversationId, media);
  if (running !== undefined && session !== null) {
    return (
      <button type="button" className="button button-primary" disabled={busy} onClick={() => void session.join(running)}>
        Join call
      </button>
    );
  }
  return (
    <div className="call-buttons">
      <button type="button" className="icon-button" aria-label="Audio call" title="Audio call" disabled={busy} onClick={() => start('audio')}>
        <PhoneIcon />
      </button>
      <button type="button" className="icon-button" aria-label="Video call" title="Video call" disabled={busy} onClick={() => start('video')}>
        <CameraIcon />
      </button>
    </div>
  );
}

export function PhoneIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <path d="M5 4h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 14l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />
    </svg>
  );
}

export function CameraIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <rect x="3" y="6" width="12" height="12" rx="2" />
      <path d="m15 10 6-3v10l-6-3" />
    </svg>
  );
}
