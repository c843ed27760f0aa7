import { describe, expect, it } from 'vitest';
import type { SignalData } from '@parley/protocol';
import type { PeerConnectionLike, PeerConnectionState } from './peer-connection.ts';
import { PeerSession } from './peer-session.ts';

/** Just enough of a peer connection to drive the state handler. */
function stubPeerConnection() {
  const calls: string[] = [];
  const pc = {
    connectionState: 'new' as PeerConnectionState,
    signalingState: 'stable' as const,
    localDescription: null,
    onnegotiationneeded: null,
    onicecandidate: null,
    onconnectionstatechange: null as (() => void) | null,
    ontrack: null,
    addTrack: () => undefined,
    addTransceiver: () => undefined,
    setLocalDescription: () => Promise.resolve(),
    setRemoteDescription: () => Promise.resolve(),
    addIceCandidate: () => Promise.resolve(),
    restartIce: () => calls.push('restartIce'),
    close: () => calls.push('close'),
  } satisfies PeerConnectionLike;
  return { pc, calls };
}

describe('PeerSession', () => {
  it('restarts ICE when the connection fails, and reports the state', () => {
    const { pc, calls } = stubPeerConnection();
    const states: PeerConnectionState[] = [];
    new PeerSession({ pc, polite: true, send: (_: SignalData) => undefined, onConnectionState: (s) => states.push(s) });
    pc.connectionState = 'failed';
    pc.onconnectionstatechange?.();
    expect(calls).toEqual(['restartIce']);
    expect(states).toEqual(['failed']);
  });

  it('detaches and closes once, and ignores signals afterwards', async () => {
    const { pc, calls } = stubPeerConnection();
    const session = new PeerSession({ pc, polite: false, send: () => undefined });
    session.close();
    session.close();
    await session.receive({ kind: 'candidate', candidate: null });
    expect(calls).toEqual(['close']);
    expect(pc.onconnectionstatechange).toBeNull();
  });
});
