// The benchmark harness itself, at a tiny load: every target must deliver every message to
// every other room member exactly once, with no errors. Timings are not asserted here (they
// belong to `npm run bench`), only that the numbers the report prints are real.
import { describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from './load.ts';
import { renderReport } from './report.ts';
import type { BenchTarget } from './target.ts';
import { parleyTarget } from './targets/parley.ts';
import { socketIoTarget } from './targets/socketio.ts';
import { wsTarget } from './targets/ws.ts';

// Two nodes need a shared Postgres and Redis: CI provides both, and must.
const { TEST_DATABASE_URL, TEST_REDIS_URL } = process.env;
const clusterReady = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
if (!clusterReady && process.env.CI === 'true') throw new Error('TEST_DATABASE_URL and TEST_REDIS_URL must be set in CI');
if (!clusterReady) console.warn('bench.int.test.ts: two-node Parley skipped; set TEST_DATABASE_URL and TEST_REDIS_URL to run it');

const LOAD: LoadOptions = { rooms: 2, clientsPerRoom: 3, ratePerClient: 5, warmupMs: 500, durationMs: 1500, paddingChars: 50, drainMs: 10_000 };

async function measure(target: BenchTarget) {
  await target.start(LOAD.rooms, LOAD.clientsPerRoom);
  try {
    return await runLoad(target, LOAD);
  } finally {
    await target.stop();
  }
}

describe('benchmark harness', () => {
  it.each([
    ['ws', wsTarget],
    ['socketio', socketIoTarget],
    // CI points TEST_DATABASE_URL at its Postgres; elsewhere the gateway starts its embedded one.
    ['parley', () => parleyTarget({ adminDatabaseUrl: TEST_DATABASE_URL })],
    ...(clusterReady
      ? ([['parley on 2 nodes', () => parleyTarget({ adminDatabaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, nodes: 2 })]] as const)
      : []),
  ] as const)('%s: every message reaches every other room member exactly once', async (_name, make) => {
    const target = make();
    const result = await measure(target);
    // 6 clients × 5 msg/s × 1.5 s, give or take a tick at the edges.
    expect(result.sent).toBeGreaterThanOrEqual(40);
    expect(result.expected).toBe(result.sent * (LOAD.clientsPerRoom - 1));
    expect({ delivered: result.delivered, lost: result.lost, duplicates: result.duplicates, errors: result.errors }).toEqual({
      delivered: result.expected,
      lost: 0,
      duplicates: 0,
      errors: [],
    });
    expect(result.latency.count).toBe(result.delivered);
    expect(result.latency.p50).toBeGreaterThan(0);
    if (target.name.startsWith('Parley')) expect(result.extra['send → durable ack']?.count).toBe(result.sent);
    expect(renderReport(LOAD, [target], [result], 'test')).toContain(`| ${target.name} |`);
  });
});
