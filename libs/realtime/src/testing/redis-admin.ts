import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The Redis URL integration tests run against. Unset: skipped on a developer machine (which
 * may have no Redis), but a hard failure in CI, where a silently skipped suite would hide a
 * broken bus.
 */
export function testRedisUrl(): { url: string | undefined; skip: boolean } {
  const raw = process.env['TEST_REDIS_URL'];
  const url = raw === undefined || raw === '' ? undefined : raw;
  const skip = url === undefined && process.env['CI'] !== 'true';
  if (skip) {
    console.warn(
      '[realtime] Redis integration tests skipped: TEST_REDIS_URL is not set. Run them with ' +
        'TEST_REDIS_URL=redis://127.0.0.1:6379 npx nx run realtime:test',
    );
  }
  return { url, skip };
}

/** Unique per run, so parallel runs on one Redis neither hear nor kill each other. */
export function runPrefix(): string {
  return `parley-test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A plain connection for what tests observe or break from the outside. */
export interface RedisAdmin {
  readonly redis: Redis;
  /** PUBSUB NUMSUB: how many connections are subscribed to the channel. */
  numsub(channel: string): Promise<number>;
  /** CLIENT KILL ID for every connection whose name starts with `namePrefix`; returns how many. */
  killClients(namePrefix: string): Promise<number>;
  /** Names of the connections whose name starts with `namePrefix`. */
  clientNames(namePrefix: string): Promise<string[]>;
  close(): Promise<void>;
}

export function createRedisAdmin(url: string): RedisAdmin {
  const redis = new Redis(url, { connectionName: 'parley-test-admin', maxRetriesPerRequest: 1 });

  async function clients(namePrefix: string): Promise<Array<{ id: string; name: string }>> {
    const list = (await redis.call('CLIENT', 'LIST')) as string;
    return list
      .split('\n')
      .map((line) => ({ id: /(?:^| )id=(\d+)/.exec(line)?.[1] ?? '', name: /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '' }))
      .filter((client) => client.id !== '' && client.name.startsWith(namePrefix));
  }

  return {
    redis,
    async numsub(channel) {
      const reply = (await redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
      return Number(reply[1]);
    },
    async killClients(namePrefix) {
      const found = await clients(namePrefix);
      for (const { id } of found) await redis.call('CLIENT', 'KILL', 'ID', id);
      return found.length;
    },
    async clientNames(namePrefix) {
      return (await clients(namePrefix)).map((client) => client.name);
    },
    async close() {
      await redis.quit();
    },
  };
}

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
