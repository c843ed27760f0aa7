/**
 * The part of the WebSocket API the client uses. Both the browser's `WebSocket` and the `ws`
 * package's class satisfy it, so the SDK never imports either: the caller passes one in.
 */
// Handlers are declared bivariant (the React typings trick) so that the DOM's
// `(this: WebSocket, ev: MessageEvent) => any` and ws's `(event: ws.MessageEvent) => void` both fit.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

/**
 * `new WebSocket(url, options)`. The second argument is whatever the implementation takes:
 * nothing in browsers, `{ headers: { cookie } }` for `ws` in Node. Typed `never` so that any
 * constructor fits; the client forwards `webSocketOptions` untouched.
 */
export type WebSocketConstructorLike = new (url: string, options?: never) => WebSocketLike;

/** `readyState` value of an open socket, identical in the DOM and in `ws`. */
export const SOCKET_OPEN = 1;
