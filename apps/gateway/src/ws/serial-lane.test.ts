import { describe, expect, it } from 'vitest';
import { createSerialLane } from './serial-lane.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('serial lane', () => {
  it('finishes tasks in queue order even when an earlier one is slower', async () => {
    const lane = createSerialLane();
    const done: string[] = [];
    await Promise.all([
      lane.run(async () => {
        await sleep(30);
        done.push('offer');
      }),
      lane.run(async () => {
        await sleep(1);
        done.push('candidate 1');
      }),
      lane.run(() => {
        done.push('candidate 2');
      }),
    ]);
    expect(done).toEqual(['offer', 'candidate 1', 'candidate 2']);
  });

  it('rejects only the failing task and keeps running the rest', async () => {
    const lane = createSerialLane();
    const failed = lane.run(() => Promise.reject(new Error('not a participant')));
    const next = lane.run(() => 'relayed');
    await expect(failed).rejects.toThrow('not a participant');
    await expect(next).resolves.toBe('relayed');
  });
});
