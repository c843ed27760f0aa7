import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { startChild, tsNode, type Child } from '../child.ts';
import type { BenchConnection, BenchTarget, OnPayload } from '../target.ts';

const SERVER = fileURLToPath(new URL('../servers/socketio-server.ts', import.meta.url));

export function socketIoTarget(): BenchTarget {
  let child: Child | undefined;
  const running = (): Child => {
    if (!child) throw new Error('start() the target first');
    return child;
  };
  return {
    name: 'Socket.IO 4.8',
    delivery: 'relayed in memory (rooms), nothing stored',
    async start() {
      const [command, args] = tsNode(SERVER);
      child = await startChild(command, args, { env: process.env, readyPattern: /listening on (\d+)/ });
    },
    serverPids: () => [running().pid],
    connect(room: number, _client: number, onPayload: OnPayload): Promise<BenchConnection> {
      const socket = io(`http://127.0.0.1:${running().ready}`, {
        transports: ['websocket'],
        query: { room: String(room) },
        reconnection: false,
        forceNew: true,
      });
      socket.on('m', (payload: string) => onPayload(payload));
      return new Promise((resolve, reject) => {
        socket.once('connect_error', reject);
        socket.once('connect', () =>
          resolve({
            send: (payload) => socket.emit('m', payload),
            close: async () => {
              socket.close();
            },
          }),
        );
      });
    },
    stop: async () => child?.stop(),
  };
}
