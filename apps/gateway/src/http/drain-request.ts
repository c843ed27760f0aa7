import type { IncomingMessage } from 'node:http';

/** How long a refused upload's remaining body is read and discarded at most. */
export const DRAIN_MAX_MS = 5_000;

/**
 * Reads and discards what is left of a request body the server answered without reading (a
 * refused upload), so that the client, still sending, reads the answer: closing a socket with
 * unread bytes in it resets the connection, and a reset can discard the answer on the client's
 * side before it is read (nginx and Apache "linger" for the same reason). Bounded: past
 * `maxBytes` more bytes or DRAIN_MAX_MS the connection is closed anyway. A body read in full
 * leaves the connection usable for the next request.
 */
export function drainRequest(request: IncomingMessage, maxBytes: number): void {
  if (request.complete || request.destroyed) return;
  let drained = 0;
  const stop = () => request.destroy();
  const timer = setTimeout(stop, DRAIN_MAX_MS);
  timer.unref();
  const done = () => {
    clearTimeout(timer);
    request.off('data', count);
  };
  const count = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxBytes) {
      done();
      stop();
    }
  };
  request.on('data', count);
  request.once('end', done);
  request.once('close', done);
  // A destroyed request emits 'error' (the client's reset, or ours): nothing left to answer.
  request.on('error', () => undefined);
  request.resume();
}
