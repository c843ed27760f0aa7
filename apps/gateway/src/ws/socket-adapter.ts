import type { WebSocket } from 'ws';
import type { HubSocket } from '@parley/realtime';

/**
 * Wraps a `ws` socket for the hub. Sends after close are dropped: the client will resync.
 *
 * Everything is queued as bytes: `ws.bufferedAmount` adds up what sits in the socket's write
 * queue, and for a string that is its length in UTF-16 units, not bytes, so CJK text would
 * fill 3x the slow-consumer limit before it trips. Strings (per-socket answers) are encoded
 * here; fan-out frames arrive already encoded, once for all recipients.
 */
export interface GatewaySocket extends HubSocket {
  /** The code this side closed the socket with (the hub, a handler or a timer), if it did. */
  readonly closedWith: number | undefined;
}

export function toHubSocket(ws: WebSocket, ids: { id: string; userId: string; sessionId: string }): GatewaySocket {
  let closedWith: number | undefined;
  return {
    ...ids,
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send(data: string | Buffer) {
      // binary: false keeps it a text frame: the bytes are the frame's UTF-8 JSON.
      if (ws.readyState === ws.OPEN) ws.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { binary: false });
    },
    get closedWith() {
      return closedWith;
    },
    close(code: number, reason: string) {
      if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return;
      closedWith ??= code;
      ws.close(code, reason);
    },
  };
}
