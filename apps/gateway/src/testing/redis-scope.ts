import { randomUUID } from 'node:crypto';
import { deleteKeysWithPrefix } from '@parley/realtime/testing';

/**
 * A key space of its own on the shared test Redis (REDIS_KEY_PREFIX for the nodes a test
 * starts): another test run on the same Redis, another project of the same CI or another
 * checkout, cannot sweep this run's presence or announce its users. `clear()` deletes its keys.
 */
export function sharedRedisScope(url: string): { keyPrefix: string; clear(): Promise<void> } {
  const keyPrefix = `test-${randomUUID().slice(0, 8)}:`;
  return { keyPrefix, clear: () => deleteKeysWithPrefix(url, keyPrefix) };
}
