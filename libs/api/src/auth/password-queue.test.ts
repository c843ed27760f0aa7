import { describe, expect, it } from 'vitest';
import { createPasswordQueue } from './password-queue.ts';

describe('password queue', () => {
  it('runs at most `concurrency` hashes at once and refuses past `maxWaiting` with overloaded', async () => {
    const queue = createPasswordQueue({ concurrency: 1, maxWaiting: 2 });
    const first = queue.hash('correct horse battery');
    const queued = [queue.hash('one more password'), queue.verify('not-a-hash', 'x')];
    await expect(queue.burn('too many')).rejects.toMatchObject({ code: 'overloaded', retryable: true, details: { retryAfterMs: 1000 } });
    const hash = await first;
    await expect(Promise.all(queued)).resolves.toEqual([expect.stringMatching(/^\$argon2id\$/), false]);
    // Drained: room again.
    await expect(queue.verify(hash, 'correct horse battery')).resolves.toBe(true);
  });
});
