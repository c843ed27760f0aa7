import type { Child } from './child.ts';
import { rotate } from './connect.ts';
import { Fleet } from './fleet.ts';
import { int, spread, table } from './format.ts';
import { populationSize, type BenchTarget, type Population } from './target.ts';

export interface MemoryOptions {
  /** Idle authenticated sockets, in rooms of `idleRoomSize`. */
  idle: Population;
  /** One room of this many members. */
  room: Population;
  reps: number;
  connectConcurrency: number;
  serverCpus?: string | undefined;
}

/** Bytes, summed over the server's processes, after a forced full GC. */
interface MemorySample {
  rss: number;
  heap: number;
  gc: boolean;
}

interface MemoryRun {
  target: string;
  case: 'idle' | 'room';
  sockets: number;
  before: MemorySample;
  after: MemorySample;
}

export interface MemoryOutcome {
  options: MemoryOptions;
  targets: string[];
  runs: MemoryRun[];
}

const PROBE_TIMEOUT_MS = 30_000;
const PROBE_LINE = /bench-memory (\{.*\})/;

/** Asks the probe in each process for a full GC and its memory (see servers/gc-probe.ts). */
async function probe(processes: readonly Child[]): Promise<MemorySample> {
  const samples = await Promise.all(
    processes.map(async (child) => {
      const line = child.waitForOutput(PROBE_LINE, PROBE_TIMEOUT_MS);
      child.process.kill('SIGUSR2');
      const parsed = JSON.parse((await line)[1] ?? '{}') as { rss: number; heapUsed: number; external: number; gc: boolean };
      return { rss: parsed.rss, heap: parsed.heapUsed + parsed.external, gc: parsed.gc };
    }),
  );
  return samples.reduce((a, b) => ({ rss: a.rss + b.rss, heap: a.heap + b.heap, gc: a.gc && b.gc }), { rss: 0, heap: 0, gc: true });
}

export async function measureMemory(target: BenchTarget, population: Population, which: MemoryRun['case'], options: MemoryOptions): Promise<MemoryRun> {
  const server = await target.start({ gcProbe: true, cpus: options.serverCpus });
  const fleet = new Fleet(server, populationSize(population));
  try {
    const before = await probe(server.processes);
    await fleet.connectAll(options.connectConcurrency);
    const after = await probe(server.processes);
    return { target: target.name, case: which, sockets: fleet.size, before, after };
  } finally {
    await fleet.closeAll();
    await server.stop();
  }
}

/**
 * Memory per socket: a fresh server, a forced full GC, its memory; every socket connected
 * (and the connect traffic settled), another full GC, its memory again; the difference over
 * the number of sockets. RSS is what the machine pays; heap (V8 heap used + external buffers)
 * is steadier. The servers run the same probe, preloaded, so no product hook is needed.
 */
export async function runMemory(targets: readonly BenchTarget[], options: MemoryOptions, log: (line: string) => void): Promise<MemoryOutcome> {
  const outcome: MemoryOutcome = { options, targets: targets.map((t) => t.name), runs: [] };
  for (const [which, population] of [['idle', options.idle], ['room', options.room]] as const) {
    for (const target of targets) await target.prepare(population);
    for (let rep = 0; rep < options.reps; rep++) {
      for (const target of rotate(targets, rep)) {
        const run = await measureMemory(target, population, which, options).catch((error: unknown) => {
          log(`${target.name}: ${which}: run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          return undefined;
        });
        if (!run) continue;
        outcome.runs.push(run);
        log(`${target.name}: ${which}, ${int(run.sockets)} sockets: ${int((run.after.rss - run.before.rss) / run.sockets / 1024)} KiB RSS per socket (rep ${rep + 1}/${options.reps})`);
      }
    }
  }
  return outcome;
}

export function renderMemory(outcome: MemoryOutcome): string[] {
  const { options } = outcome;
  const kib = (v: number) => (Number.isFinite(v) ? (v / 1024).toFixed(1) : '–');
  const perSocket = (runs: MemoryRun[], key: keyof Pick<MemorySample, 'rss' | 'heap'>) =>
    spread(runs.map((r) => (r.after[key] - r.before[key]) / r.sockets), kib);
  const noGc = outcome.runs.some((r) => !r.before.gc || !r.after.gc);
  return [
    '## Memory per socket',
    '',
    `A fresh server; a forced full GC (twice) and its memory; then every socket connected and settled; another full GC; the difference ` +
      `divided by the sockets. **Idle**: ${int(populationSize(options.idle))} authenticated sockets in rooms of ${int(options.idle.roomSize)}. ` +
      `**Room**: ${int(populationSize(options.room))} members of one room. KiB per socket, median [min–max] of ${options.reps}; ` +
      'RSS is what the machine pays, heap (V8 heap used + external) is steadier. Only the server processes: Postgres is not counted.' +
      (noGc ? ' **Warning: a probe ran without --expose-gc; these are plain RSS deltas.**' : ''),
    '',
    ...table(
      ['Target', 'Idle: RSS KiB', 'Idle: heap KiB', 'Room: RSS KiB', 'Room: heap KiB', 'Baseline RSS MiB'],
      outcome.targets.map((t) => {
        const idle = outcome.runs.filter((r) => r.target === t && r.case === 'idle');
        const room = outcome.runs.filter((r) => r.target === t && r.case === 'room');
        return [
          t,
          perSocket(idle, 'rss'),
          perSocket(idle, 'heap'),
          perSocket(room, 'rss'),
          perSocket(room, 'heap'),
          spread(idle.map((r) => r.before.rss / 2 ** 20), (v) => v.toFixed(0)),
        ];
      }),
    ),
  ];
}
