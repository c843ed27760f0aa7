import type { ClientFrame, ServerFrame } from '@parley/protocol';
import type { WebSocketConstructorLike, WebSocketLike } from '../socket.ts';

type Handler<E> = ((event: E) => void) | null;

/**
 * An in-memory WebSocket for unit tests with a FakeClock; the test plays the server through
 * `open`, `deliver` and `drop`.
 */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  closedWith?: { code?: number; reason?: string };
  onopen: Handler<unknown> = null;
  onmessage: Handler<{ data: unknown }> = null;
  onclose: Handler<{ code: number; reason: string }> = null;
  onerror: Handler<unknown> = null;

  constructor(
    readonly url: string,
    readonly options?: unknown,
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  deliver(frame: ServerFrame | string): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  sentOfType<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }
}

export interface FakeSockets {
  /** Pass as the client's `WebSocket` option. */
  WebSocket: WebSocketConstructorLike;
  /** Every socket the client opened, oldest first. */
  sockets: FakeSocket[];
  last(): FakeSocket;
  /** Opens the last socket and answers its hello: the client becomes 'open'. */
  accept(user?: { id: string; handle: string; displayName: string }, heartbeatIntervalMs?: number): FakeSocket;
}

export const FAKE_USER = { id: '00000000-0000-4000-8000-0000000000a1', handle: 'alice', displayName: 'Alice' };

export function fakeSockets(): FakeSockets {
  const sockets: FakeSocket[] = [];
  class TrackedSocket extends FakeSocket {
    constructor(url: string, options?: unknown) {
      super(url, options);
      sockets.push(this);
    }
  }
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  };
  return {
    WebSocket: TrackedSocket,
    sockets,
    last,
    accept(user = FAKE_USER, heartbeatIntervalMs = 25_000) {
      const socket = last();
      socket.open();
      socket.deliver({
        type: 'hello_ok',
        protocol: 1,
        user,
        connectionId: 'c1',
        heartbeatIntervalMs,
        maxFrameBytes: 65_536,
        serverTime: new Date(0).toISOString(),
      });
      return socket;
    },
  };
}
