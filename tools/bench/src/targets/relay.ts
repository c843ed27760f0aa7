import { fileURLToPath } from 'node:url';
import { startChild, tsNode } from '../child.ts';
import type { BenchTarget, Population, RunningServer, StartOptions } from '../target.ts';
import { roomOf } from '../target.ts';
import { socketIoCodec, wsCodec, type Codec } from '../wire.ts';

interface RelayKind {
  id: string;
  name: string;
  delivery: string;
  server: string;
  codec: Codec;
  path: (room: number) => string;
}

/** An in-memory relay server (`servers/`): nothing to prepare, nothing stored. */
function relayTarget(kind: RelayKind): BenchTarget {
  let population: Population | undefined;
  return {
    id: kind.id,
    name: kind.name,
    delivery: kind.delivery,
    async prepare(p) {
      population = p;
    },
    async start(options: StartOptions = {}): Promise<RunningServer> {
      const prepared = population;
      if (!prepared) throw new Error('prepare() the target first');
      const [command, args] = tsNode(kind.server, { gcProbe: options.gcProbe });
      const child = await startChild(command, args, {
        env: { ...process.env, ...options.env, PORT: String(options.ports?.[0] ?? 0) },
        readyPattern: /listening on (\d+)/,
        cpus: options.cpus,
      });
      const port = Number(child.ready);
      return {
        processes: [child],
        ports: [port],
        client: (index) => ({ url: `ws://127.0.0.1:${port}${kind.path(roomOf(prepared, index))}`, codec: kind.codec }),
        stop: () => child.stop(),
      };
    },
    dispose: async () => undefined,
  };
}

/** Raw `ws`: the floor any WebSocket server stands on. */
export const wsTarget = (): BenchTarget =>
  relayTarget({
    id: 'ws',
    name: 'ws (raw relay)',
    delivery: 'relayed in memory, nothing stored',
    server: fileURLToPath(new URL('../servers/ws-server.ts', import.meta.url)),
    codec: wsCodec,
    path: (room) => `/?room=${room}`,
  });

/** Socket.IO 4.8 rooms, spoken over raw `ws` (Engine.IO 4 framing) rather than socket.io-client. */
export const socketIoTarget = (): BenchTarget =>
  relayTarget({
    id: 'socketio',
    name: 'Socket.IO 4.8',
    delivery: 'relayed in memory (rooms), nothing stored',
    server: fileURLToPath(new URL('../servers/socketio-server.ts', import.meta.url)),
    codec: socketIoCodec,
    path: (room) => `/socket.io/?EIO=4&transport=websocket&room=${room}`,
  });
