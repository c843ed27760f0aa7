import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP forwarder a browser can be pointed at, to kill its connections the way a network does:
 * `blackhole()` stops moving bytes in both directions on every connection (open ones and new
 * ones) with no FIN or RST, so the browser sees nothing happen, like Wi-Fi that stays
 * associated but passes nothing. `restore()` resets what was cut off (its path is gone, as
 * after a NAT forgot the flow) and forwards new connections normally again.
 */
export interface TcpProxy {
  port: number;
  blackhole(): void;
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Cut off: bytes in either direction are swallowed until the pair is reset. */
  dead: boolean;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let blackholed = false;

  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    const pair: Pair = { client, upstream, dead: blackholed };
    pairs.add(pair);
    // One side closing closes the other, unless the pair is cut off: then neither hears of it
    // (a dead path carries no FIN either) until restore() resets both.
    const drop = () => {
      if (pair.dead) return;
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk) => void (pair.dead || upstream.write(chunk)));
    upstream.on('data', (chunk) => void (pair.dead || client.write(chunk)));
    // A half-close is a signal the browser would see: while dead, nothing gets through.
    client.on('end', () => pair.dead || upstream.end());
    upstream.on('end', () => pair.dead || client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    blackhole() {
      blackholed = true;
      for (const pair of pairs) pair.dead = true;
    },
    restore() {
      blackholed = false;
      for (const pair of [...pairs]) {
        if (!pair.dead) continue;
        pairs.delete(pair);
        pair.client.resetAndDestroy();
        pair.upstream.destroy();
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
