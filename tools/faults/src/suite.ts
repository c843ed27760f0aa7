// The whole run: one environment (own Postgres, own Redis, two gateway processes), the chosen
// scenarios one after the other on it, each with fresh people, then everything torn down.
import { watchProcessFaults } from '@parley/db/testing';
import type { CheckResult } from './check/checker.ts';
import { startEnvironment } from './env/environment.ts';
import { runScenario, type ScenarioResult } from './run-scenario.ts';
import type { RunOptions, Scenario } from './scenario.ts';
import { renderScenario } from './report.ts';

export interface SuiteResult {
  results: ScenarioResult[];
  elapsedMs: number;
}

export interface SuiteRunner {
  /** Runs one scenario on the shared environment; never throws (a crash is a failed result). */
  run(scenario: Scenario): Promise<ScenarioResult>;
  close(): Promise<void>;
}

/** Starts the environment the scenarios share; run them one at a time, then close(). */
export async function startSuite(options: RunOptions): Promise<SuiteRunner> {
  // Records uncaught errors instead of dying: "no uncaught errors in the clients" is a check.
  const faults = watchProcessFaults();
  let env;
  try {
    env = await startEnvironment({ log: options.log });
  } catch (error) {
    faults.dispose();
    throw error;
  }
  const started = env;
  return {
    async run(scenario) {
      options.log(`\n[${scenario.number}] ${scenario.title}`);
      const result = await runScenario(started, scenario, options, faults).catch((error: unknown) => crashed(scenario, error));
      options.log(renderScenario(result));
      return result;
    },
    async close() {
      await started.close();
      faults.dispose();
    },
  };
}

export async function runSuite(scenarios: readonly Scenario[], options: RunOptions): Promise<SuiteResult> {
  const began = Date.now();
  const suite = await startSuite(options);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) results.push(await suite.run(scenario));
  } finally {
    await suite.close();
  }
  return { results, elapsedMs: Date.now() - began };
}

function crashed(scenario: Scenario, error: unknown): ScenarioResult {
  const empty: CheckResult = {
    counts: {
      written: 0, acked: 0, ackedNoop: 0, failedByReason: {}, lost: 0, duplicated: 0, misplaced: 0, orderViolations: 0,
      deliveryMissing: 0, deliveryDuplicates: 0, deliveryWrong: 0, foldMismatches: 0, messagesCompared: 0, logGaps: 0, unexplainedOutbox: 0,
      failedButStored: 0, unexpectedFailures: 0, unexpectedClientErrors: 0, unplannedExits: 0, uncaught: 0,
    },
    violations: [],
  };
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { scenario, passed: false, check: empty, violations: [`the scenario could not run: ${text}`], figures: {}, bounds: [], notes: [], elapsedMs: 0 };
}
