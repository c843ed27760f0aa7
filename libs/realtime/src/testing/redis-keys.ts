import { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix` (SCAN, never KEYS: the Redis may be a shared one, busy with
 * other runs). What a test or benchmark that gave its nodes their own REDIS_KEY_PREFIX calls
 * when it is done.
 */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: 'parley-test-cleanup' });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
