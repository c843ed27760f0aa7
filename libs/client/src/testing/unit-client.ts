import type { ServerFrame } from '@parley/protocol';
import { createParleyClient, type ParleyClientOptions } from '../client.ts';
import { FakeClock } from './fake-clock.ts';
import { fakeSockets } from './fake-socket.ts';

export const BOB = '00000000-0000-4000-8000-0000000000b0';
export const CAROL = '00000000-0000-4000-8000-0000000000c0';

/** A client on fake sockets and a fake clock, connected (hello_ok answered) when `connect`. */
export function unitClient(overrides: Partial<ParleyClientOptions> = {}) {
  const clock = new FakeClock();
  const fake = fakeSockets();
  const client = createParleyClient({
    url: 'ws://test/ws',
    WebSocket: fake.WebSocket,
    clock,
    reconnect: { nextDelayMs: () => 100 },
    ...overrides,
  });
  const connect = () => {
    client.connect();
    return fake.accept();
  };
  /** Drops the socket, waits out the backoff and answers the new hello. */
  const reconnect = () => {
    fake.last().drop(1006);
    clock.advance(100);
    return fake.accept();
  };
  const deliver = (frame: ServerFrame) => fake.last().deliver(frame);
  return { client, clock, fake, connect, reconnect, deliver };
}
