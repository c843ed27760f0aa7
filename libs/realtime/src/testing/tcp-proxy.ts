import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real Redis that can hold back the server's replies:
 * the only way to make "Redis has not answered yet" last long enough to assert on.
 */
export interface TcpProxy {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops reading Redis' replies (they wait in the kernel buffers) until resumeReplies. */
  holdReplies(): void;
  resumeReplies(): void;
  close(): Promise<void>;
}

export async function createTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const upstreams = new Set<Socket>();
  const sockets = new Set<Socket>();
  let holding = false;
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
    if (holding) upstream.pause();
    upstreams.add(upstream);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      upstreams.delete(upstream);
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    holdReplies() {
      holding = true;
      for (const upstream of upstreams) upstream.pause();
    },
    resumeReplies() {
      holding = false;
      for (const upstream of upstreams) upstream.resume();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
