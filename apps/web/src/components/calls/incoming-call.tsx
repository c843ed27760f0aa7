'use client';
import { Avatar } from '../avatar.tsx';
import { useCallSession, useCallSnapshot } from './call-provider.tsx';

/** The ringing panel: a non-modal dialog so the rest of the app stays usable while it rings. */
export function IncomingCall() {
  const session = useCallSession();
  const snap = useCallSnapshot();
  if (session === null || snap === null || snap.state.status !== 'incoming_ringing') return null;
  const { caller, call } = snap.state;
  const mediaText = call?.media === 'video' ? 'Video call' : 'Audio call';
  return (
    <div className="incoming-call" role="dialog" aria-label="Incoming call" aria-describedby="incoming-call-desc">
      <Avatar name={caller.displayName} id={caller.id} />
      <div className="incoming-call-text" id="incoming-call-desc">
        <strong>{caller.displayName}</strong>
        <span className="muted">{mediaText}</span>
      </div>
      <div className="incoming-call-actions">
        <button type="button" className="button button-danger" onClick={session.decline}>Decline</button>
        {/* Focused on open: answering is one key press away. */}
        <button type="button" className="button button-accept" autoFocus onClick={() => void session.accept()}>Accept</button>
      </div>
    </div>
  );
}
