import { passes, runLoad, type LoadOptions, type LoadResult } from './load.ts';
import type { BenchTarget } from './target.ts';

export interface KneeOptions extends Omit<LoadOptions, 'rate'> {
  /** Offered rates to step through, ascending, in messages per second (all rooms together). */
  rates: readonly number[];
  reps: number;
  p99LimitMs: number;
}

/** Every repetition of one target at one step. */
export interface StepRuns {
  target: string;
  rate: number;
  results: LoadResult[];
  passed: number;
}

export interface KneeOutcome {
  options: KneeOptions;
  targets: string[];
  steps: StepRuns[];
  /** Per target: the highest rate that passed in every repetition (undefined: not even the first). */
  knee: Map<string, number | undefined>;
  /** Per target: the step it failed at (undefined: passed every step, the knee is at least the last). */
  failedAt: Map<string, number | undefined>;
}

/**
 * Steps the offered rate up until each target fails "everything delivered once, no error,
 * p99 < limit, in every repetition". Each run is a fresh server process; within a step the
 * repetitions are interleaved across targets, and the order rotates from one repetition to the
 * next, so slow drift of a noisy machine spreads over all targets instead of one. A target
 * that failed a step stops there (all of that step's repetitions still run, for its figures).
 */
export async function runKnee(targets: readonly BenchTarget[], options: KneeOptions, log: (line: string) => void): Promise<KneeOutcome> {
  const outcome: KneeOutcome = {
    options,
    targets: targets.map((t) => t.name),
    steps: [],
    knee: new Map(targets.map((t) => [t.name, undefined])),
    failedAt: new Map(targets.map((t) => [t.name, undefined])),
  };
  let active = [...targets];
  for (const rate of options.rates) {
    if (active.length === 0) break;
    const runs = new Map(active.map((t) => [t.name, { target: t.name, rate, results: [] as LoadResult[], passed: 0 }]));
    for (let rep = 0; rep < options.reps; rep++) {
      const shift = rep % active.length;
      for (const target of [...active.slice(shift), ...active.slice(0, shift)]) {
        const result = await runLoad(target, { ...options, rate }).catch((error: unknown) => crashed(target, rate, error));
        const step = runs.get(target.name);
        step?.results.push(result);
        const ok = passes(result, options.p99LimitMs);
        if (ok && step) step.passed += 1;
        log(
          `${target.name} @ ${rate} msg/s, rep ${rep + 1}/${options.reps}: ${ok ? 'pass' : 'FAIL'} ` +
            `(delivered ${result.delivered}/${result.expected}, p99 ${result.latency.p99.toFixed(1)} ms, ` +
            `connect ${(result.connect.readyMs / 1000).toFixed(2)} s${result.errorCount ? `, ${result.errorCount} errors: ${result.errorSamples[0]}` : ''})`,
        );
      }
    }
    for (const step of runs.values()) {
      outcome.steps.push(step);
      if (step.passed === options.reps) outcome.knee.set(step.target, rate);
      else outcome.failedAt.set(step.target, rate);
    }
    active = active.filter((t) => outcome.failedAt.get(t.name) === undefined);
  }
  return outcome;
}

/** A run that threw (the server did not start, clients could not connect): a failure with its reason. */
export function crashed(target: BenchTarget, rate: number, error: unknown): LoadResult {
  const empty = { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN };
  return {
    target: target.name,
    rate,
    connect: { clients: 0, readyMs: Number.NaN, settledMs: Number.NaN, frames: 0, failures: {} },
    sent: 0,
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicates: 0,
    latency: empty,
    ack: undefined,
    deliveriesPerSecond: 0,
    windowS: Number.NaN,
    serverCpuSeconds: Number.NaN,
    postgresCpuSeconds: Number.NaN,
    generatorCpuSeconds: Number.NaN,
    serverRssMiB: Number.NaN,
    errorCount: 1,
    errorSamples: [`run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`],
  };
}
