import { describe, expect, it } from 'vitest';
import { renderCrashSweep, runCrashSweep } from './crash-sweep.ts';

// The crash-sweep scenario at a tiny size: counts, never timings.
const { TEST_REDIS_URL } = process.env;
if (!TEST_REDIS_URL && process.env.CI === 'true') throw new Error('TEST_REDIS_URL must be set in CI (crash-sweep needs a Redis)');
if (!TEST_REDIS_URL) console.warn('crash-sweep.int.test.ts skipped; set TEST_REDIS_URL to run it');

describe.skipIf(!TEST_REDIS_URL)('crash-sweep scenario', () => {
  it("announces each of a crashed node's users offline exactly once, split between the surviving nodes", async () => {
    const options = { redisUrl: TEST_REDIS_URL!, users: 1_200, sweepers: [1, 2], ttlMs: 600, graceMs: 300, reps: 1 };
    const runs = await runCrashSweep(options, () => undefined);
    expect(runs.map((r) => r.sweepers)).toEqual([1, 2]);
    for (const run of runs) {
      expect(run.announced).toBe(options.users);
      expect(run.split).toHaveLength(run.sweepers);
      expect(run.split.reduce((a, b) => a + b, 0)).toBe(options.users);
      expect(run.totalMs).toBeGreaterThanOrEqual(options.ttlMs); // nobody went offline before the entries expired
    }
    const report = renderCrashSweep(options, runs).join('\n');
    expect(report).toContain('1,200 users go offline');
    expect(report).toMatch(/\| 2 \|.*\| yes \(1,200\) \|/);
  });
});
