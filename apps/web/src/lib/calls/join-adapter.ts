import type { CallClient } from '@parley/calls';
import type { CallInfo, CallRingFrame, PublicUser } from '@parley/protocol';
import type { RealtimeClient } from '../realtime.ts';

export interface JoinableClient {
  client: CallClient;
  /**
   * Presents a running call to the controller as if it had rung here, so the controller's own
   * accept() joins it (call_accept also joins a running group call on the server). The
   * controller has no join of its own yet.
   */
  offer(call: CallInfo, caller: PublicUser): void;
}

/** The SDK as the controller sees it, plus a way to hand it a call that did not ring here. */
export function joinableClient(client: RealtimeClient): JoinableClient {
  const ringListeners = new Set<(frame: CallRingFrame) => void>();
  const on = ((event: string, listener: (frame: CallRingFrame) => void) => {
    const off = (client.on as (e: string, l: (frame: CallRingFrame) => void) => () => void)(event, listener);
    if (event !== 'call_ring') return off;
    ringListeners.add(listener);
    return () => {
      ringListeners.delete(listener);
      off();
    };
  }) as CallClient['on'];
  return {
    client: {
      get connectionId() {
        return client.connectionId;
      },
      callInvite: (conversationId, media) => client.callInvite(conversationId, media),
      callAccept: (callId) => client.callAccept(callId),
      callDecline: (callId) => client.callDecline(callId),
      callHangup: (callId) => client.callHangup(callId),
      callSignal: (callId, to, data) => client.callSignal(callId, to, data),
      on,
    },
    offer(call, caller) {
      for (const listener of ringListeners) listener({ type: 'call_ring', call, caller });
    },
  };
}
