// The suite's load balancer. Every device has a home node; its sockets go there while the node
// is in the pool, and to another node otherwise, as nginx with passive health checks would do:
// a node whose port refuses a connection leaves the pool for a while, and a node being drained
// (SIGTERM) leaves it at once. The SDK only knows one URL, so the balancing happens in the
// WebSocket constructor it is given.
import { WebSocket, type ClientOptions } from 'ws';
import type { ServerFrame } from '@parley/protocol';
import { nth } from '../util.ts';
import type { GatewayNode } from './gateway-node.ts';

/** How long a node that refused a connection stays out of the pool. */
const REFUSED_OUT_MS = 2_000;

export interface SocketTap {
  /** A socket was created towards `node` (before it opens). */
  opened(node: string): void;
  /** Every frame the server sent, parsed as JSON, before the SDK sees it. */
  frame(frame: ServerFrame, node: string): void;
  closed(code: number, reason: string, node: string): void;
}

export interface Router {
  /** The constructor to give the SDK for one device. */
  socketClass(home: number, tap: SocketTap): new (url: string, options?: never) => WebSocket;
  /** Takes a node out of the pool now (a drain before SIGTERM). */
  drain(index: number): void;
  /** Puts a node back (after a restart). */
  restore(index: number): void;
  /** Which node a socket for `home` would go to now. */
  pick(home: number): number;
}

export function createRouter(nodes: readonly GatewayNode[]): Router {
  const outUntil = nodes.map(() => 0);
  const drained = nodes.map(() => false);

  const inPool = (index: number, now: number) => !drained[index] && (outUntil[index] ?? 0) <= now && nodes[index]?.origin !== '';

  function pick(home: number): number {
    const now = Date.now();
    for (let step = 0; step < nodes.length; step++) {
      const index = (home + step) % nodes.length;
      if (inPool(index, now)) return index;
    }
    // Nothing healthy: try home anyway (the SDK's backoff paces the attempts).
    return home % nodes.length;
  }

  return {
    pick,
    drain(index) {
      drained[index] = true;
    },
    restore(index) {
      drained[index] = false;
      outUntil[index] = 0;
    },
    socketClass(home, tap) {
      return class RoutedSocket extends WebSocket {
        constructor(_url: string, options?: never) {
          const index = pick(home);
          const node = nth(nodes, index);
          super(node.wsUrl, { ...(options as ClientOptions | undefined), perMessageDeflate: false });
          let opened = false;
          tap.opened(node.id);
          this.on('open', () => (opened = true));
          this.on('error', (error: NodeJS.ErrnoException) => {
            if (!opened && error.code === 'ECONNREFUSED') outUntil[index] = Date.now() + REFUSED_OUT_MS;
          });
          this.on('message', (data, isBinary) => {
            if (isBinary) return;
            try {
              tap.frame(JSON.parse(String(data)) as ServerFrame, node.id);
            } catch {
              // The SDK reports unparseable frames itself.
            }
          });
          this.on('close', (code, reason) => tap.closed(code, reason.toString(), node.id));
        }
      };
    },
  };
}
