import type { WebSocket } from 'ws';
import type { HubSocket } from '@parley/realtime';

/** Wraps a `ws` socket for the hub. Sends after close are dropped: the client will resync. */
export function toHubSocket(ws: WebSocket, ids: { id: string; userId: string; sessionId: string }): HubSocket {
  return {
    ...ids,
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send(data: string) {
      if (ws.readyState === ws.OPEN) ws.send(data);
    },
    close(code: number, reason: string) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
  };
}
