import { describe, expect, it } from 'vitest';
import type { SignalData } from '@parley/protocol';
import type {
  IceCandidateLike,
  PeerConnectionLike,
  PeerConnectionState,
  SessionDescriptionLike,
  SignalingState,
} from './peer-connection.ts';
import { PeerSession } from './peer-session.ts';

/** Just enough of a peer connection to drive the state handler. */
function stubPeerConnection() {
  const calls: string[] = [];
  const pc = {
    connectionState: 'new' as PeerConnectionState,
    signalingState: 'stable' as const,
    localDescription: null,
    remoteDescription: null,
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

  it('keeps a candidate that overtook its offer and adds it once the offer is set', async () => {
    // As browsers do: a candidate without a remote description is an InvalidStateError.
    const added: string[] = [];
    const state = {
      signalingState: 'stable' as SignalingState,
      remoteDescription: null as SessionDescriptionLike | null,
      localDescription: null as SessionDescriptionLike | null,
    };
    const pc: PeerConnectionLike = {
      ...stubPeerConnection().pc,
      get signalingState() {
        return state.signalingState;
      },
      get remoteDescription() {
        return state.remoteDescription;
      },
      get localDescription() {
        return state.localDescription;
      },
      setRemoteDescription(description: SessionDescriptionLike) {
        state.remoteDescription = description;
        state.signalingState = 'have-remote-offer';
        return Promise.resolve();
      },
      setLocalDescription() {
        state.localDescription = { type: 'answer', sdp: 'v=0 answer' };
        state.signalingState = 'stable';
        return Promise.resolve();
      },
      addIceCandidate(candidate?: IceCandidateLike | null) {
        if (state.remoteDescription === null) return Promise.reject(new Error('InvalidStateError: The remote description was null'));
        added.push(candidate?.candidate ?? 'end');
        return Promise.resolve();
      },
    };
    const sent: SignalData[] = [];
    const errors: unknown[] = [];
    const session = new PeerSession({ pc, polite: true, send: (s) => sent.push(s), onError: (e) => errors.push(e) });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    await session.receive({ kind: 'candidate', candidate });
    expect(added).toEqual([]);
    await session.receive({ kind: 'description', description: { type: 'offer', sdp: 'v=0 offer' } });
    expect(added).toEqual([candidate.candidate]);
    expect(sent).toEqual([{ kind: 'description', description: { type: 'answer', sdp: 'v=0 answer' } }]);
    expect(errors).toEqual([]);
  });
});
