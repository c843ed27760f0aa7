import type { CallMedia, ClientFrame, SignalData } from '@parley/protocol';
import { ParleyClientError } from './errors.ts';

/**
 * The call signaling half of the SDK. Call frames are never queued: a ring, an answer or an
 * SDP offer is only meaningful while the socket that sent it is up. After a reconnect the
 * device has a new connection id, so any signal addressed to or from the old one is stale;
 * the call controller restarts ICE instead of replaying them.
 */
export interface CallApi {
  /**
   * Starts a call; returns its id (a UUID made here, so a retry is idempotent on the server).
   * Throws ParleyClientError('offline') when the connection is not open: a call cannot ring
   * from an offline device.
   */
  callInvite(conversationId: string, media: CallMedia): string;
  /** These return whether the frame went out (false while disconnected). */
  callAccept(callId: string): boolean;
  callDecline(callId: string): boolean;
  callHangup(callId: string): boolean;
  /** Relays SDP or ICE to one participant's device (its connection id). */
  callSignal(callId: string, toConnectionId: string, data: SignalData): boolean;
}

export interface CallApiDeps {
  /** Sends a frame if the connection is open; returns whether it went out. */
  send(frame: ClientFrame): boolean;
  isReady(): boolean;
  newCallId(): string;
}

export function createCallApi(deps: CallApiDeps): CallApi {
  return {
    callInvite(conversationId, media) {
      if (!deps.isReady()) throw new ParleyClientError('offline', 'Cannot start a call while disconnected');
      const callId = deps.newCallId();
      deps.send({ type: 'call_invite', callId, conversationId, media });
      return callId;
    },
    callAccept: (callId) => deps.isReady() && deps.send({ type: 'call_accept', callId }),
    callDecline: (callId) => deps.isReady() && deps.send({ type: 'call_decline', callId }),
    callHangup: (callId) => deps.isReady() && deps.send({ type: 'call_hangup', callId }),
    callSignal: (callId, toConnectionId, data) =>
      deps.isReady() && deps.send({ type: 'call_signal', callId, toConnectionId, data }),
  };
}
