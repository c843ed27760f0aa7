import type { Logger } from 'pino';
import type { EncodedFrame, PublicUser, ServerFrame } from '@parley/protocol';
import type { HubSocket } from '@parley/realtime';
import type { GatewayDeps } from '../deps.ts';

/** One authenticated socket, as every frame handler sees it. */
export interface SocketSession {
  readonly user: PublicUser;
  /** The socket's connectionId (hello_ok), also its id in the hub. */
  readonly socketId: string;
  readonly hubSocket: HubSocket;
  readonly deps: GatewayDeps;
  readonly log: Logger;
  /** Encodes and writes one frame to this socket only (an EncodedFrame as it is). */
  send(frame: ServerFrame | EncodedFrame): void;
  /** True once the socket has closed: late work must not ring people or take seats for it. */
  isClosed(): boolean;
  /** Runs `listener` when the socket closes (at once if it has). */
  onClose(listener: () => void): void;
}

/** A handler per frame type: the compiler checks that every client frame has one. */
export type FrameHandlers<F extends { type: string }> = {
  [T in F['type']]: (frame: Extract<F, { type: T }>) => Promise<void> | void;
};
