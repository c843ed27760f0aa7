import { WebSocket } from 'ws';
import type { Codec, FrameSink } from './wire.ts';

/** Where and how client i connects. */
export interface ClientSpec {
  url: string;
  headers?: Record<string, string>;
  codec: Codec;
}

export interface SocketEvents extends Omit<FrameSink, 'reply'> {
  /** Any frame at all (presence, snapshots …): counted, to show what a connect costs a client. */
  frame(): void;
  /** The socket closed, or never opened (code 0 and the error's message). */
  closed(code: number, reason: string): void;
}

/**
 * One raw `ws` client socket speaking `spec.codec`. UTF-8 validation is skipped (the servers
 * are trusted and it is per-byte work in the load generator); no compression, as on the servers.
 */
export function openSocket(spec: ClientSpec, events: SocketEvents): WebSocket {
  const { codec } = spec;
  const socket = new WebSocket(spec.url, { headers: spec.headers, perMessageDeflate: false, skipUTF8Validation: true });
  const sink: FrameSink = {
    ready: events.ready,
    payload: events.payload,
    ack: events.ack,
    error: events.error,
    reply: (frame) => socket.send(frame),
  };
  let failure = '';
  socket.on('open', () => {
    if (codec.greeting !== undefined) socket.send(codec.greeting);
    if (codec.readyOnOpen) events.ready();
  });
  socket.on('message', (data: Buffer, isBinary) => {
    events.frame();
    if (!isBinary) codec.read(data.toString(), sink);
  });
  socket.on('unexpected-response', (_request, response) => {
    failure = `HTTP ${response.statusCode}`;
    socket.terminate();
  });
  socket.on('error', (error) => (failure ||= error.message));
  socket.on('close', (code, reason) => events.closed(failure ? 0 : code, failure || reason.toString()));
  return socket;
}
