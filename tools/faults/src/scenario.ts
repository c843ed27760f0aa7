// What a scenario is: one fault, injected into a steady load, plus what it may legitimately
// cause and the bounds it is held to. The generic part (load, recovery, checker) is run-scenario.ts.
import type { Environment } from './env/environment.ts';
import type { Cast } from './load/cast.ts';
import type { Device } from './load/device.ts';
import type { Workload } from './load/workload.ts';

export interface RunOptions {
  /** Seconds of steady load around each fault (half before, half after). */
  durationS: number;
  /** Actions per second per device. */
  rate: number;
  devicesPerUser: number;
  log(line: string): void;
}

export interface ScenarioContext {
  env: Environment;
  cast: Cast;
  workload: Workload;
  options: RunOptions;
  sleep(ms: number): Promise<void>;
}

/** A timing the scenario measured, and the bound it is held to. */
export interface Bound {
  name: string;
  /** What PROTOCOL.md or the README promises; printed beside the measurement ("met" or not). */
  documentedMs: number;
  /** Where it is documented, for the report. */
  source: string;
  /** Undefined: it never happened (a violation). */
  measuredMs: number | undefined;
  /**
   * Asserted: a generous wait bound, so a loaded 2-core CI machine cannot fail a run on timing
   * alone. Past it, the thing is taken as not happening at all.
   */
  waitBoundMs: number;
}

export interface FaultOutcome {
  startedAt: number;
  /** When the fault was healed (the dependency back, the node gone): recovery counts from here. */
  endedAt: number;
  /** Devices the fault hit directly (their "first ack" is reported); default every device. */
  affected?: Device[];
  /** One-line facts for the report ("terminated 23 backends"). */
  notes?: string[];
  /**
   * Scenario-specific checks and figures, run after the load stopped and everything settled.
   * Returns violations (evidence lines) and figures.
   */
  verify?(): Promise<{ violations: string[]; figures: Record<string, string>; bounds: Bound[] }>;
  /** Conversations that devices were removed from during the fault (not required to be complete). */
  revoked?: Map<Device, Set<string>>;
  /** Devices signed out on purpose. */
  signedOut?: Set<Device>;
}

export interface Scenario {
  /** 1-8, as in issue 7. */
  number: number;
  id: string;
  title: string;
  /** Non-retryable reasons an action may fail for here, beyond `conflict` (an edit racing a delete). */
  expectedFailures?: string[];
  /** SDK error codes this fault may cause, beyond `unavailable`. */
  expectedClientErrors?: string[];
  /**
   * Set while the product lacks what the scenario checks: the check stays as strict, the
   * failure is reported as expected, and the CI test expects it to fail (so it flips loudly
   * once the work lands).
   */
  expectedToFailUntil?: string;
  inject(ctx: ScenarioContext): Promise<FaultOutcome>;
}
