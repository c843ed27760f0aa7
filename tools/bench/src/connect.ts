import { performance } from 'node:perf_hooks';
import { Fleet, type ConnectOutcome, type StormCounts } from './fleet.ts';
import { int, med, reasons, seconds, spread, table } from './format.ts';
import { cpuSeconds } from './process-stats.ts';
import { populationSize, type BenchTarget, type Population, type RunningServer } from './target.ts';

export interface ConnectOptions {
  population: Population;
  stormPopulation: Population;
  reps: number;
  connectConcurrency: number;
  /** How long the storm may take before it counts as not finished. */
  stormTimeoutMs: number;
  serverCpus?: string | undefined;
}

interface ConnectRun {
  target: string;
  outcome: ConnectOutcome;
  serverCpuSeconds: number;
  postgresCpuSeconds: number;
}

interface StormRun {
  target: string;
  /** Stop signal → the old server gone; → the new one listening; → every socket ready again (NaN: timed out). */
  downMs: number;
  upMs: number;
  allReadyMs: number;
  /** Sockets ready when the timeout struck. */
  readyAtEnd: number;
  counts: StormCounts;
  /** From the new server listening to the last socket ready. */
  serverCpuSeconds: number;
  postgresCpuSeconds: number;
  error?: string;
}

export interface ConnectOutcomeAll {
  options: ConnectOptions;
  targets: string[];
  connects: ConnectRun[];
  storms: StormRun[];
}

const serverCpu = (server: RunningServer) => server.processes.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
const pgCpu = async (target: BenchTarget) => (await target.postgres?.read()) ?? Number.NaN;

export async function measureConnect(target: BenchTarget, options: ConnectOptions): Promise<ConnectRun> {
  const server = await target.start({ cpus: options.serverCpus });
  const fleet = new Fleet(server, populationSize(options.population));
  try {
    const [cpu0, pg0] = [serverCpu(server), await pgCpu(target)];
    const outcome = await fleet.connectAll(options.connectConcurrency);
    return { target: target.name, outcome, serverCpuSeconds: serverCpu(server) - cpu0, postgresCpuSeconds: (await pgCpu(target)) - pg0 };
  } finally {
    await fleet.closeAll();
    await server.stop();
  }
}

/**
 * Every socket connected, then the server restarts (SIGTERM: each server tells its sockets
 * 1012 and exits; a new process on the same port). Each client reconnects on its own as
 * PROTOCOL.md §3 says (backoff from 250 ms with full jitter, capped at 10 s).
 */
export async function measureStorm(target: BenchTarget, options: ConnectOptions): Promise<StormRun> {
  let server = await target.start({ cpus: options.serverCpus });
  const fleet = new Fleet(server, populationSize(options.stormPopulation));
  try {
    await fleet.connectAll(options.connectConcurrency);
    fleet.beginStorm();
    const stoppedAt = performance.now();
    await server.stop();
    const downAt = performance.now();
    server = await target.start({ ports: server.ports, cpus: options.serverCpus });
    const upAt = performance.now();
    fleet.serverIsUp(server);
    const [cpu0, pg0] = [serverCpu(server), await pgCpu(target)];
    const lastReady = await fleet.waitAllReady(options.stormTimeoutMs);
    return {
      target: target.name,
      downMs: downAt - stoppedAt,
      upMs: upAt - stoppedAt,
      allReadyMs: lastReady === undefined ? Number.NaN : lastReady - stoppedAt,
      readyAtEnd: fleet.ready,
      counts: fleet.stormCounts(),
      serverCpuSeconds: serverCpu(server) - cpu0,
      postgresCpuSeconds: (await pgCpu(target)) - pg0,
    };
  } finally {
    await fleet.closeAll();
    await server.stop();
  }
}

/** Connect (reps, interleaved), then the storm (reps, interleaved); each run a fresh server. */
export async function runConnect(targets: readonly BenchTarget[], options: ConnectOptions, log: (line: string) => void): Promise<ConnectOutcomeAll> {
  const result: ConnectOutcomeAll = { options, targets: targets.map((t) => t.name), connects: [], storms: [] };
  for (const target of targets) await target.prepare(options.population);
  for (let rep = 0; rep < options.reps; rep++) {
    for (const target of rotate(targets, rep)) {
      const run = await measureConnect(target, options).catch((error: unknown) => failedConnect(target, options, error));
      result.connects.push(run);
      log(`${target.name}: connect ${int(run.outcome.clients)} in ${seconds(run.outcome.readyMs)} s (rep ${rep + 1}/${options.reps})`);
    }
  }
  for (const target of targets) await target.prepare(options.stormPopulation);
  for (let rep = 0; rep < options.reps; rep++) {
    for (const target of rotate(targets, rep)) {
      const run = await measureStorm(target, options).catch((error: unknown) => failedStorm(target, error));
      result.storms.push(run);
      log(`${target.name}: storm of ${int(populationSize(options.stormPopulation))}: all ready ${seconds(run.allReadyMs)} s after the stop (rep ${rep + 1}/${options.reps})${run.error ? `: ${run.error}` : ''}`);
    }
  }
  return result;
}

export const rotate = <T>(items: readonly T[], by: number): T[] => {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
};

function failedConnect(target: BenchTarget, options: ConnectOptions, error: unknown): ConnectRun {
  const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return {
    target: target.name,
    outcome: { clients: populationSize(options.population), readyMs: Number.NaN, settledMs: Number.NaN, frames: 0, failures: { [`run failed: ${reason}`]: 1 } },
    serverCpuSeconds: Number.NaN,
    postgresCpuSeconds: Number.NaN,
  };
}

function failedStorm(target: BenchTarget, error: unknown): StormRun {
  return {
    target: target.name,
    downMs: Number.NaN,
    upMs: Number.NaN,
    allReadyMs: Number.NaN,
    readyAtEnd: 0,
    counts: { attempts: 0, failuresBeforeUp: {}, failuresAfterUp: {} },
    serverCpuSeconds: Number.NaN,
    postgresCpuSeconds: Number.NaN,
    error: error instanceof Error ? error.message.split('\n')[0] : String(error),
  };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export function renderConnect(outcome: ConnectOutcomeAll): string[] {
  const { options } = outcome;
  const n = populationSize(options.population);
  const storm = populationSize(options.stormPopulation);
  const lines = [
    '## Connect and reconnect storm',
    '',
    `**Connect**: ${int(n)} sockets (${int(options.population.rooms)} rooms × ${int(options.population.roomSize)}, each its own user), ` +
      `at most ${int(options.connectConcurrency)} handshakes in flight, from the first socket opened to the last ready ` +
      '(ws: open; Socket.IO: namespace joined; Parley: `hello_ok`), and to the last frame before 500 ms of quiet. ' +
      `Median [min–max] of ${options.reps} fresh servers each; CPU in seconds over the whole connect.`,
    '',
    ...table(
      ['Target', 'All ready s', 'Settled s', 'Frames per socket', 'Server CPU s', 'Postgres CPU s', 'Failed attempts'],
      outcome.targets.map((t) => {
        const runs = outcome.connects.filter((r) => r.target === t);
        const failures: Record<string, number> = {};
        for (const r of runs) for (const [k, v] of Object.entries(r.outcome.failures)) failures[k] = (failures[k] ?? 0) + v;
        return [
          t,
          spread(runs.map((r) => r.outcome.readyMs), seconds),
          spread(runs.map((r) => r.outcome.settledMs), seconds),
          (med(runs.map((r) => r.outcome.frames / r.outcome.clients)) || 0).toFixed(1),
          spread(runs.map((r) => r.serverCpuSeconds), (v) => v.toFixed(2)),
          spread(runs.map((r) => r.postgresCpuSeconds), (v) => v.toFixed(2)),
          reasons(failures),
        ];
      }),
    ),
    '',
    `**Reconnect storm**: ${int(storm)} sockets connected, then the server is restarted (SIGTERM: it tells every socket 1012 and exits; ` +
      'a new process on the same port). Every client reconnects on its own, as PROTOCOL.md §3 says: after random(0, min(10 s, 250 ms × 2^attempt)). ' +
      `Times from the stop signal (median [min–max] of ${options.reps}); "after up" is from the new server listening to the last socket ready. ` +
      `Failed attempts begun before the new server listened are expected (refused); those begun after it are errors. Timeout ${options.stormTimeoutMs / 1000} s.`,
    '',
    ...table(
      ['Target', 'Old server gone s', 'New server up s', 'All ready s', 'After up s', 'Attempts', 'Failed before up', 'Errors after up', 'Server CPU s', 'Postgres CPU s'],
      outcome.targets.map((t) => {
        const runs = outcome.storms.filter((r) => r.target === t);
        const after: Record<string, number> = {};
        for (const r of runs) for (const [k, v] of Object.entries(r.counts.failuresAfterUp)) after[k] = (after[k] ?? 0) + v;
        const unfinished = runs.filter((r) => !Number.isFinite(r.allReadyMs));
        return [
          t,
          spread(runs.map((r) => r.downMs), seconds),
          spread(runs.map((r) => r.upMs), seconds),
          spread(runs.map((r) => r.allReadyMs), seconds) +
            (unfinished.length > 0 ? ` (${unfinished.length} of ${runs.length} unfinished: ${unfinished.map((r) => r.error ?? `${int(r.readyAtEnd)} ready`).join('; ')})` : ''),
          spread(runs.map((r) => r.allReadyMs - r.upMs), seconds),
          int(med(runs.map((r) => r.counts.attempts))),
          int(med(runs.map((r) => sum(r.counts.failuresBeforeUp)))),
          reasons(after),
          spread(runs.map((r) => r.serverCpuSeconds), (v) => v.toFixed(2)),
          spread(runs.map((r) => r.postgresCpuSeconds), (v) => v.toFixed(2)),
        ];
      }),
    ),
  ];
  return lines;
}
