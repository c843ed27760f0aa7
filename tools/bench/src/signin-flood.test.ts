import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.ts';
import { floodVerdict, type FloodRep } from './signin-flood.ts';

const latency = (p99: number) => ({ count: 10, p50: p99 / 2, p90: p99, p99, max: p99 });

function run(ackP99: number, lost = 0): LoadResult {
  return {
    target: 'Parley',
    rate: 10,
    connect: { clients: 6, readyMs: 1, settledMs: 1, frames: 0, failures: {} },
    sent: 10,
    expected: 20,
    delivered: 20 - lost,
    lost,
    duplicates: 0,
    latency: latency(ackP99),
    ack: latency(ackP99),
    deliveriesPerSecond: 20,
    windowS: 1,
    serverCpuSeconds: 0.1,
    postgresCpuSeconds: 0.1,
    generatorCpuSeconds: 0.1,
    serverRssMiB: 100,
    errorCount: 0,
    errorSamples: [],
  };
}

const rep = (quiet: number, flood: number, answers = 5, lost = 0): FloodRep => ({
  quiet: run(quiet),
  flood: run(flood, lost),
  signIns: { answers, windowS: 1, byStatus: { '401': answers }, latency: latency(100) },
});

describe('floodVerdict', () => {
  it('passes on the median of the per-repetition ratios, not on the worst one', () => {
    const verdict = floodVerdict([rep(10, 15), rep(10, 50), rep(10, 18)]);
    expect(verdict.ratios).toEqual([1.5, 5, 1.8]);
    expect(verdict.medianRatio).toBe(1.8);
    expect(verdict.pass).toBe(true);
    expect(verdict.line).toMatch(/^\*\*PASS\*\*: flood ack p99 ≤ 2 × quiet ack p99 \(median ratio 1\.80 over 3 repetition\(s\)/);
  });

  it('fails above the factor, when chat lost a message, or when the flood never reached the server', () => {
    expect(floodVerdict([rep(10, 21)]).pass).toBe(false);
    const lost = floodVerdict([rep(10, 12, 5, 1)]);
    expect([lost.pass, lost.line]).toEqual([false, expect.stringContaining('1 run(s) lost messages')]);
    const unanswered = floodVerdict([rep(10, 12, 0)]);
    expect([unanswered.pass, unanswered.line]).toEqual([false, expect.stringContaining('the flood did not reach the server')]);
  });
});
