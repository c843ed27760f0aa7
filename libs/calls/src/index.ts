export {
  reduceCall,
  IDLE,
  type CallState,
  type CallEvent,
  type CallEndedReason,
  type PeerLinkState,
} from './call-machine.ts';
export {
  candidateToSignal,
  type PeerConnectionLike,
  type PeerConnectionConfig,
  type PeerConnectionState,
  type SignalingState,
  type SdpType,
  type SessionDescriptionLike,
  type IceCandidateLike,
  type IceCandidateEventLike,
  type TrackEventLike,
  type HandlerSlot,
} from './peer-connection.ts';
export { PeerSession, isPolite, type PeerSessionOptions } from './peer-session.ts';
export {
  createCallController,
  LOCAL_RING_GRACE_MS,
  type CallController,
  type CallControllerOptions,
  type CallClient,
  type CallTimers,
  type TrackLike,
} from './call-controller.ts';
