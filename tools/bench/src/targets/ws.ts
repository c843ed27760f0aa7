import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { startChild, tsNode, type Child } from '../child.ts';
import type { BenchConnection, BenchTarget, OnPayload } from '../target.ts';

const SERVER = fileURLToPath(new URL('../servers/ws-server.ts', import.meta.url));

/** Raw `ws`: the floor any WebSocket server stands on. */
export function wsTarget(): BenchTarget {
  let child: Child | undefined;
  const running = (): Child => {
    if (!child) throw new Error('start() the target first');
    return child;
  };
  return {
    name: 'ws (raw relay)',
    delivery: 'relayed in memory, nothing stored',
    async start() {
      const [command, args] = tsNode(SERVER);
      child = await startChild(command, args, { env: process.env, readyPattern: /listening on (\d+)/ });
    },
    serverPids: () => [running().pid],
    connect(room: number, _client: number, onPayload: OnPayload): Promise<BenchConnection> {
      const socket = new WebSocket(`ws://127.0.0.1:${running().ready}/?room=${room}`, { perMessageDeflate: false });
      socket.on('message', (data) => onPayload(data.toString()));
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.once('open', () =>
          resolve({
            send: (payload) => socket.send(payload),
            close: () => closeSocket(socket),
          }),
        );
      });
    },
    stop: async () => child?.stop(),
  };
}

export function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}
