import type { HubSocket } from '../registry.ts';

/** A HubSocket that records what the hub does to it; tests set `bufferedAmount` and `failSend`. */
export interface FakeSocket extends HubSocket {
  readonly sent: string[];
  closed: { code: number; reason: string } | undefined;
  bufferedAmount: number;
  failSend: boolean;
}

export function createFakeSocket(init: { id: string; userId: string; sessionId: string }): FakeSocket {
  const socket: FakeSocket = {
    ...init,
    sent: [],
    closed: undefined,
    bufferedAmount: 0,
    failSend: false,
    send(data) {
      if (socket.failSend) throw new Error('send on a broken socket');
      if (socket.closed !== undefined) throw new Error('send after close');
      socket.sent.push(data);
    },
    close(code, reason) {
      socket.closed ??= { code, reason };
    },
  };
  return socket;
}
