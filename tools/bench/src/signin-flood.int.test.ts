// The sign-in flood scenario at a tiny size: both conditions run on real gateways, chat still
// delivers everything, and the flood's sign-ins really reach the server's password check. No
// timing is asserted (the ratio is `npm run bench`'s business), only that the report is real.
import { afterAll, describe, expect, it } from 'vitest';
import { renderSignInFlood, runSignInFlood, type SignInFloodOptions } from './signin-flood.ts';
import type { BenchTarget } from './target.ts';
import { parleyTarget } from './targets/parley.ts';

const OPTIONS: SignInFloodOptions = {
  population: { rooms: 2, roomSize: 3 },
  rate: 30,
  warmupMs: 300,
  durationMs: 1000,
  drainMs: 10_000,
  paddingChars: 20,
  connectConcurrency: 4,
  reps: 1,
  flooders: 8,
  // 2 hashing + 2 waiting: of the 8 in flight, some find the queue full (503), which shows the
  // settings reach the gateway and the flood reaches its queue.
  gatewayEnv: { PASSWORD_HASH_QUEUE: '2' },
};

describe('signin-flood scenario', () => {
  let target: BenchTarget | undefined;
  afterAll(() => target?.dispose());

  it('measures chat quiet and under a flood that the server answers', async () => {
    // CI points TEST_DATABASE_URL at its Postgres; elsewhere the benchmark starts the embedded one.
    target = parleyTarget({ adminDatabaseUrl: process.env.TEST_DATABASE_URL });
    await target.prepare(OPTIONS.population);

    const outcome = await runSignInFlood(target, OPTIONS, () => undefined);
    expect(outcome.reps).toHaveLength(1);
    const [rep] = outcome.reps;
    for (const run of [rep!.quiet, rep!.flood]) {
      expect(run.errorSamples).toEqual([]);
      expect(run.sent).toBeGreaterThan(0);
      expect({ delivered: run.delivered, acks: run.ack?.count }).toEqual({ delivered: run.expected, acks: run.sent });
    }
    // Wrong passwords answered 401 after a verify, and refused by the full queue, 503.
    const { byStatus, answers } = rep!.signIns;
    expect(byStatus['401']).toBeGreaterThan(0);
    expect(byStatus['503']).toBeGreaterThan(0);
    expect(answers).toBe(Object.values(byStatus).reduce((sum, n) => sum + n, 0));
    // The throttle is out of the way: no attempt was refused by it.
    expect(byStatus['429'] ?? 0).toBe(0);

    const report = renderSignInFlood(outcome).join('\n');
    expect(report).toMatch(/^\| quiet \| 100 % \|/m);
    expect(report).toMatch(/^\| flood \| 100 % \|/m);
    expect(report).toMatch(/^\*\*(PASS|FAIL)\*\*: flood ack p99 ≤ 2 × quiet ack p99/m);
  });
});
