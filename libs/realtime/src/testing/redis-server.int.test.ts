import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './redis-admin.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

const servers: RedisServer[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await Promise.all(servers.map((s) => s.close()));
});

function client(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 20 });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}

/** Resolves false after `ms`: a poll interval for checks that open connections. */
const pause = (ms: number) => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms));

const ready = (redis: Redis) =>
  redis.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => redis.once('ready', () => resolve()));

describe('startRedisServer (a fault-test helper)', () => {
  it('runs a redis-server of its own that can be paused, resumed, killed and restarted on the same port', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const redis = client(server.url);
    await ready(redis);
    await redis.set('k', 'v');

    server.pause();
    let answered = false;
    const pong = redis.ping().then((reply) => ((answered = true), reply));
    await new Promise((resolve) => setTimeout(resolve, 200)); // a frozen server answers nothing
    expect(answered).toBe(false);
    server.resume();
    expect(await pong).toBe('PONG');

    await server.kill();
    await expect(redis.ping()).rejects.toThrow();
    await server.restart();
    await ready(redis);
    expect(await redis.get('k')).toBeNull(); // a fresh server: nothing persisted
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);

    await server.close();
    await server.close(); // idempotent
    await expect(redis.ping()).rejects.toThrow();
  });

  it('removes its folder on close and fails loudly when the binary is missing', async () => {
    const server = await startRedisServer();
    servers.push(server);
    await server.close();
    expect(existsSync(server.dataDir)).toBe(false);
    await expect(startRedisServer({ binary: 'redis-server-that-does-not-exist' })).rejects.toThrow(/could not run redis-server-that-does-not-exist.*ENOENT/);
  });

  it('leaves no server and no folder behind when the test process is killed, even with the server frozen', async () => {
    const helper = fileURLToPath(new URL('./redis-server.ts', import.meta.url));
    const script = [
      `import { startRedisServer } from ${JSON.stringify(helper)};`,
      'const server = await startRedisServer();',
      'server.pause();',
      'process.stdout.write(JSON.stringify({ dataDir: server.dataDir, port: server.port }) + "\\n");',
      'process.kill(process.pid, "SIGKILL");', // no exit handler, no afterAll: only the watchdog is left
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const { dataDir, port } = JSON.parse(output) as { dataDir: string; port: number };

    // A frozen server still completes TCP handshakes (the kernel does): only a refusal means gone.
    const refused = () =>
      new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port });
        socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
    const gone = async () => !existsSync(dataDir) && (await refused());
    await waitFor('the frozen server to be killed and its folder deleted', async () => (await gone()) || (await pause(200)), 15_000);
  }, 30_000);
});
