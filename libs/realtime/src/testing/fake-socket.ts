import type { HubSocket } from '../registry.ts';

/** A HubSocket that records what the hub does to it; tests set `bufferedAmount` and `failSend`. */
export interface FakeSocket extends HubSocket {
  /** Every frame sent, as text (frames sent as UTF-8 bytes are decoded). */
  readonly sent: string[];
  /** What was passed to send(), as given: the hub's fan-out passes one Buffer to every socket. */
  readonly sentRaw: Array<string | Buffer>;
  closed: { code: number; reason: string } | undefined;
  bufferedAmount: number;
  failSend: boolean;
}

export function createFakeSocket(init: { id: string; userId: string; sessionId: string }): FakeSocket {
  const socket: FakeSocket = {
    ...init,
    sent: [],
    sentRaw: [],
    closed: undefined,
    bufferedAmount: 0,
    failSend: false,
    send(data) {
      if (socket.failSend) throw new Error('send on a broken socket');
      if (socket.closed !== undefined) throw new Error('send after close');
      socket.sentRaw.push(data);
      socket.sent.push(typeof data === 'string' ? data : data.toString('utf8'));
    },
    close(code, reason) {
      socket.closed ??= { code, reason };
    },
  };
  return socket;
}
