import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
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
});
