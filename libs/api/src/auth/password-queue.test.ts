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

  it('with a share of 0.5, rests each slot as long as its hash took before the next starts, without delaying the answer', async () => {
    let now = 0;
    const rests: Array<{ ms: number; run: () => void }> = [];
    const clock = { now: () => now, after: (ms: number, run: () => void) => void rests.push({ ms, run }) };
    const queue = createPasswordQueue({ concurrency: 1, maxWaiting: 5, share: 0.5, clock });
    const first = queue.verify('not-a-hash', 'a');
    let secondDone = false;
    const second = queue.verify('not-a-hash', 'b').then((ok) => ((secondDone = true), ok));
    now = 40; // the first hash "took" 40 ms
    await expect(first).resolves.toBe(false); // answered at once
    expect(rests.map((r) => r.ms)).toEqual([40]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondDone).toBe(false); // its turn waits for the rest
    rests[0]!.run();
    await expect(second).resolves.toBe(false);
    expect(() => createPasswordQueue({ concurrency: 1, maxWaiting: 1, share: 0 })).toThrow(/share/);
  });
});
