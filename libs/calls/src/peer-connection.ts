import type { SignalData } from '@parley/protocol';

export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type SignalingState =
  | 'stable'
  | 'have-local-offer'
  | 'have-remote-offer'
  | 'have-local-pranswer'
  | 'have-remote-pranswer'
  | 'closed';
export type SdpType = 'offer' | 'answer' | 'pranswer' | 'rollback';

export interface SessionDescriptionLike {
  readonly type: SdpType;
  readonly sdp: string;
}

export interface IceCandidateLike {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

/**
 * An `on*` handler slot. Browsers and werift pass different event classes, so the slot accepts
 * any handler and each handler declares the few fields it reads (see the event types below).
 */
export type HandlerSlot = ((event: never) => unknown) | null | undefined;

export interface IceCandidateEventLike {
  /** null or undefined: end of candidates. */
  readonly candidate?: IceCandidateLike | null;
}

export interface TrackEventLike<TTrack, TStream> {
  readonly track: TTrack;
  readonly streams: readonly TStream[];
}

/**
 * The part of RTCPeerConnection the call code uses. Both the browser's RTCPeerConnection and
 * werift's satisfy it structurally (checked in peer-connection.test.ts), so the same code runs
 * in the web app and in Node tests. TTrack/TStream are the implementation's track and stream.
 */
export interface PeerConnectionLike<TTrack = unknown, TStream = unknown> {
  readonly connectionState: PeerConnectionState;
  readonly signalingState: SignalingState;
  readonly localDescription: SessionDescriptionLike | null;
  readonly remoteDescription: SessionDescriptionLike | null;
  onnegotiationneeded: HandlerSlot;
  onicecandidate: HandlerSlot;
  onconnectionstatechange: HandlerSlot;
  ontrack: HandlerSlot;
  addTrack(track: TTrack, ...streams: TStream[]): unknown;
  addTransceiver(trackOrKind: TTrack | 'audio' | 'video', init?: { direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' }): unknown;
  /** Called without arguments: the implicit offer/answer of perfect negotiation. */
  setLocalDescription(): Promise<unknown>;
  setRemoteDescription(description: SessionDescriptionLike): Promise<unknown>;
  addIceCandidate(candidate?: IceCandidateLike | null): Promise<unknown>;
  restartIce(): void;
  /** Browsers have it; werift does not. Used to swap in fresh TURN credentials before a restart. */
  setConfiguration?(config: PeerConnectionConfig): void;
  close(): unknown;
}

/** The ICE servers and other options the app passes to `new RTCPeerConnection(config)`. */
export interface PeerConnectionConfig {
  iceServers: Array<{ urls: string | string[]; username?: string; credential?: string }>;
}

/** A candidate as it goes on the wire (browser RTCIceCandidate fields are getters: copy them). */
export function candidateToSignal(candidate: IceCandidateLike | null | undefined): SignalData {
  if (!candidate) return { kind: 'candidate', candidate: null };
  return {
    kind: 'candidate',
    candidate: {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: candidate.sdpMLineIndex ?? null,
      usernameFragment: candidate.usernameFragment ?? null,
    },
  };
}
