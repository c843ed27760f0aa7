// The benchmark harness itself, at a tiny load: every target must deliver every message to
// every other room member exactly once, with no errors; a reconnect storm must bring every
// socket back; the memory probe must answer. Timings are never asserted here (they belong to
// `npm run bench`), only that the numbers the report prints are real.
import { afterAll, describe, expect, it } from 'vitest';
import { measureStorm } from './connect.ts';
import { runKnee } from './knee.ts';
import { passes, runLoad, type LoadOptions } from './load.ts';
import { measureMemory } from './memory.ts';
import { renderKnee } from './report-knee.ts';
import type { BenchTarget, Population } from './target.ts';
import { parleyTarget } from './targets/parley.ts';
import { socketIoTarget, wsTarget } from './targets/relay.ts';

// Two nodes need a shared Postgres and Redis: CI provides both, and must.
const { TEST_DATABASE_URL, TEST_REDIS_URL } = process.env;
const clusterReady = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
if (!clusterReady && process.env.CI === 'true') throw new Error('TEST_DATABASE_URL and TEST_REDIS_URL must be set in CI');
if (!clusterReady) console.warn('bench.int.test.ts: two-node Parley skipped; set TEST_DATABASE_URL and TEST_REDIS_URL to run it');

const POPULATION: Population = { rooms: 2, roomSize: 3 };
// 30 msg/s over 6 clients: 5 per client per second, half of Parley's sustained limit.
const LOAD: LoadOptions = { population: POPULATION, rate: 30, warmupMs: 500, durationMs: 1500, drainMs: 10_000, paddingChars: 50, connectConcurrency: 4 };

// The storm and the memory probe exercise the harness (the fleet's reconnects, the preloaded
// probe), the same code for every server, and each costs more server starts: once, on ws.
type Case = [string, () => BenchTarget, { storm: boolean; memory: boolean }];
const targets: Case[] = [
  ['ws', wsTarget, { storm: true, memory: true }],
  ['socketio', socketIoTarget, { storm: false, memory: false }],
  // CI points TEST_DATABASE_URL at its Postgres; elsewhere the benchmark starts the embedded one.
  ['parley', () => parleyTarget({ adminDatabaseUrl: TEST_DATABASE_URL }), { storm: false, memory: false }],
];
if (clusterReady) {
  const parley2 = () => parleyTarget({ adminDatabaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, nodes: 2 });
  targets.push(['parley on 2 nodes', parley2, { storm: false, memory: false }]);
}

describe('benchmark harness', () => {
  const made: BenchTarget[] = [];
  afterAll(() => Promise.all(made.map((t) => t.dispose())));

  it.each(targets)('%s: every message reaches every other room member exactly once', async (_name, make, { storm, memory }) => {
    const target = make();
    made.push(target);
    await target.prepare(POPULATION);

    const result = await runLoad(target, LOAD);
    // 30 msg/s × 1.5 s, give or take a tick at the edges.
    expect(result.sent).toBeGreaterThanOrEqual(40);
    expect(result.expected).toBe(result.sent * (POPULATION.roomSize - 1));
    expect({ delivered: result.delivered, lost: result.lost, duplicates: result.duplicates, errors: result.errorSamples }).toEqual({
      delivered: result.expected,
      lost: 0,
      duplicates: 0,
      errors: [],
    });
    expect(result.latency.count).toBe(result.delivered);
    expect(result.latency.p50).toBeGreaterThan(0);
    expect(result.connect).toMatchObject({ clients: 6, failures: {} });
    expect(result.serverCpuSeconds).toBeGreaterThanOrEqual(0);
    if (target.id.startsWith('parley')) {
      expect(result.ack?.count).toBe(result.sent);
      expect(result.postgresCpuSeconds).toBeGreaterThanOrEqual(0);
    } else {
      expect(result.ack).toBeUndefined();
    }
    const rendered = renderKnee('t', { options: { ...LOAD, rates: [30], reps: 1, p99LimitMs: 1e9 }, targets: [target.name], steps: [{ target: target.name, rate: 30, results: [result], passed: 1 }], knee: new Map([[target.name, 30]]), failedAt: new Map([[target.name, undefined]]) });
    expect(rendered.join('\n')).toContain(`| ${target.name} | 30 | 1/1 | 100 % |`);

    if (storm) {
      const restarted = await measureStorm(target, { population: POPULATION, stormPopulation: POPULATION, reps: 1, connectConcurrency: 4, stormTimeoutMs: 60_000 });
      expect({ readyAtEnd: restarted.readyAtEnd, afterUp: restarted.counts.failuresAfterUp, error: restarted.error }).toEqual({ readyAtEnd: 6, afterUp: {}, error: undefined });
      expect(restarted.allReadyMs).toBeGreaterThanOrEqual(restarted.upMs);
    }
    if (memory) {
      const probed = await measureMemory(target, POPULATION, 'idle', { idle: POPULATION, room: POPULATION, reps: 1, connectConcurrency: 4 });
      expect(probed.before.gc && probed.after.gc).toBe(true);
      expect(probed.after.rss).toBeGreaterThan(0);
    }
  });

  it('steps the rate until a target fails, and stops that target there', async () => {
    const target = wsTarget();
    made.push(target);
    await target.prepare(POPULATION);
    // A limit nothing meets: the first step fails, so the second never runs.
    const outcome = await runKnee([target], { ...LOAD, durationMs: 500, rates: [10, 20], reps: 1, p99LimitMs: 0 }, () => undefined);
    expect(outcome.steps.map((s) => [s.rate, s.passed])).toEqual([[10, 0]]);
    expect([outcome.knee.get(target.name), outcome.failedAt.get(target.name)]).toEqual([undefined, 10]);
    expect(passes(outcome.steps[0]!.results[0]!, 1e9)).toBe(true);
  });
});
