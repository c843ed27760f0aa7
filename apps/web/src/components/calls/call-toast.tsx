'use client';
import { callOutcomeText } from '../../lib/calls/call-text.ts';
import { useCallSession, useCallSnapshot } from './call-provider.tsx';

/** Short notes outside the call screen: a ring that stopped, or a call that could not start. */
export function CallToast() {
  const session = useCallSession();
  const snap = useCallSnapshot();
  if (session === null || snap === null) return null;
  if (snap.error !== null) {
    return (
      <div className="call-toast is-error" role="alert">
        <span>{snap.error}</span>
        <button type="button" className="link-button" onClick={session.dismissError}>Dismiss</button>
      </div>
    );
  }
  const { state } = snap;
  if (state.status !== 'ended' || snap.endedFrom !== 'incoming_ringing') return null;
  return (
    <div className="call-toast" role="status">
      {callOutcomeText(state.reason, false)}
    </div>
  );
}
