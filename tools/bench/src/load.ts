import { performance } from 'node:perf_hooks';
import { Fleet, type ConnectOutcome, type DeliverySink } from './fleet.ts';
import { encodePayload, clientIdOf } from './payload.ts';
import { cpuSeconds, rssMiB, selfCpuSeconds } from './process-stats.ts';
import { summarize, type LatencySummary } from './stats.ts';
import { wsCodec } from './wire.ts';
import { populationSize, type BenchTarget, type Population, type RunningServer } from './target.ts';

export interface LoadOptions {
  population: Population;
  /** Messages per second, all rooms together; each is delivered to the other roomSize - 1 members. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** How long to wait after the last send for deliveries still on their way. */
  drainMs: number;
  /** Extra characters per message, on top of its ~30-character header. */
  paddingChars: number;
  /** Handshakes in flight while connecting the population. */
  connectConcurrency: number;
  /** `taskset -c` CPU list for the server processes. */
  serverCpus?: string | undefined;
  /** Extra environment for the server processes (Parley: gateway settings). */
  serverEnv?: Readonly<Record<string, string>> | undefined;
  /** Other work on the same server while the load runs (e.g. a flood of sign-ins). */
  alongside?: Alongside | undefined;
}

/**
 * Work that runs beside the load, in this process, from before the warm-up until the measured
 * window (drain included) is over, so that the whole window sees it.
 */
export interface Alongside {
  /** The population is connected and the load's clock has not started yet. */
  start(server: RunningServer): Promise<void>;
  /** The measured window begins at this `performance.now()` time (the end of the warm-up). */
  measureFrom(timeMs: number): void;
  /** The window is over and CPU has been read; also called when the run failed. */
  stop(): Promise<void>;
}

/** One measured run: a fresh server, the population connected, a fixed offered rate. */
export interface LoadResult {
  target: string;
  rate: number;
  connect: ConnectOutcome;
  /** Messages sent while measuring (after the warm-up). */
  sent: number;
  /** Deliveries those messages should make (to each other room member). */
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  latency: LatencySummary;
  /** Parley: send → durable `chat_ack`. */
  ack: LatencySummary | undefined;
  deliveriesPerSecond: number;
  /** From the end of the warm-up to the last delivery (or the end of the drain), s. */
  windowS: number;
  /** CPU seconds in the window: the server's processes (gateway nodes), Postgres, this load generator. */
  serverCpuSeconds: number;
  postgresCpuSeconds: number;
  generatorCpuSeconds: number;
  serverRssMiB: number;
  /** Error frames and unexpected closes: a clean run has none. */
  errorCount: number;
  errorSamples: string[];
}

/** Sequence numbers per sender must fit the duplicate check's key (sender × 2^16 + n). */
const MAX_SENDS_PER_CLIENT = 65_536;
const TICK_MS = 1;

class Recorder implements DeliverySink {
  delivered = 0;
  duplicates = 0;
  readonly latencies: number[] = [];
  readonly acks: number[] = [];
  lastDeliveryAt = 0;
  private readonly seen: Array<Set<number> | undefined>;

  constructor(
    size: number,
    private readonly measureFromMicros: number,
  ) {
    this.seen = new Array<Set<number> | undefined>(size);
  }

  delivery(receiver: number, sender: number, n: number, dueMicros: number, nowMs: number): void {
    if (dueMicros < this.measureFromMicros) return; // warm-up
    const key = sender * MAX_SENDS_PER_CLIENT + n;
    let got = this.seen[receiver];
    if (!got) this.seen[receiver] = got = new Set();
    if (got.has(key)) {
      this.duplicates += 1;
      return;
    }
    got.add(key);
    this.delivered += 1;
    this.lastDeliveryAt = nowMs;
    this.latencies.push(nowMs - dueMicros / 1000);
  }

  ack(dueMicros: number, nowMs: number): void {
    if (dueMicros >= this.measureFromMicros) this.acks.push(nowMs - dueMicros / 1000);
  }
}

const serverCpu = (server: RunningServer) => server.processes.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);

/**
 * Starts a fresh server, connects the population, and offers `rate` messages per second for
 * the warm-up and the measured window. Senders take turns across rooms (consecutive messages
 * go to different rooms), so each client sends rate / clients per second, evenly spaced.
 * Latency runs from when a message was **due**, not when the sender loop got to it: a stalled
 * load generator cannot hide a slow server (no coordinated omission).
 */
export async function runLoad(target: BenchTarget, options: LoadOptions): Promise<LoadResult> {
  const { population } = options;
  const clients = populationSize(population);
  const server = await target.start({ cpus: options.serverCpus, env: options.serverEnv });
  const fleet = new Fleet(server, clients);
  const { alongside } = options;
  try {
    const connect = await fleet.connectAll(options.connectConcurrency);
    await alongside?.start(server);
    const padding = 'x'.repeat(options.paddingChars);
    // Member-major order: message k goes from order[k % clients], so rooms take turns.
    const order = Array.from({ length: clients }, (_, j) => (j % population.rooms) * population.roomSize + Math.floor(j / population.rooms));
    const counters = new Uint32Array(clients);
    const codecs = Array.from({ length: clients }, (_, i) => server.client(i).codec);
    const gapMs = 1000 / options.rate;
    const start = performance.now() + 10;
    const measureFrom = start + options.warmupMs;
    const end = measureFrom + options.durationMs;
    const recorder = new Recorder(clients, Math.round(measureFrom * 1000));
    alongside?.measureFrom(measureFrom);
    fleet.sink = recorder;
    let k = 0;
    let sent = 0;
    let cpuAtStart: [number, Promise<number>, number] | undefined;

    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (!cpuAtStart && now >= measureFrom) cpuAtStart = [serverCpu(server), target.postgres?.read() ?? Promise.resolve(Number.NaN), selfCpuSeconds()];
        for (let due = start + k * gapMs; due <= now && due < end; due = start + ++k * gapMs) {
          const sender = order[k % clients] ?? 0;
          const n = counters[sender] ?? 0;
          counters[sender] = n + 1;
          if (n >= MAX_SENDS_PER_CLIENT) {
            clearInterval(timer);
            return reject(new Error(`over ${MAX_SENDS_PER_CLIENT} messages per client: shorten the run or lower the rate`));
          }
          const dueMicros = Math.round(due * 1000);
          fleet.send(sender, (codecs[sender] ?? wsCodec).send(encodePayload(sender, n, dueMicros, padding), clientIdOf(sender, n, dueMicros)));
          if (due >= measureFrom) sent += 1;
        }
        if (now >= end) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });

    const expected = sent * (population.roomSize - 1);
    const drainUntil = performance.now() + options.drainMs;
    while (recorder.delivered < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
    // CPU up to the last delivery it made, so work done while draining counts.
    const [serverAtStart, postgresAtStart, selfAtStart] = cpuAtStart ?? [Number.NaN, Promise.resolve(Number.NaN), Number.NaN];
    const serverCpuSeconds = serverCpu(server) - serverAtStart;
    const postgresCpuSeconds = (await (target.postgres?.read() ?? Number.NaN)) - (await postgresAtStart);
    const generatorCpuSeconds = selfCpuSeconds() - selfAtStart;
    const windowS = (performance.now() - measureFrom) / 1000;
    const serverRss = server.processes.reduce((sum, c) => sum + rssMiB(c.pid), 0);
    fleet.sink = undefined;
    return {
      target: target.name,
      rate: options.rate,
      connect,
      sent,
      expected,
      delivered: recorder.delivered,
      lost: expected - recorder.delivered,
      duplicates: recorder.duplicates,
      latency: summarize(recorder.latencies),
      ack: recorder.acks.length > 0 ? summarize(recorder.acks) : undefined,
      deliveriesPerSecond: recorder.delivered / (options.durationMs / 1000),
      windowS,
      serverCpuSeconds,
      postgresCpuSeconds,
      generatorCpuSeconds,
      serverRssMiB: serverRss,
      errorCount: fleet.errorCount,
      errorSamples: fleet.errorSamples,
    };
  } finally {
    // After the result above was taken: the window's CPU includes the work alongside.
    await alongside?.stop();
    await fleet.closeAll();
    await server.stop();
  }
}

/** The knee criterion: everything delivered exactly once, no errors, p99 under the limit. */
export function passes(result: LoadResult, p99LimitMs: number): boolean {
  return result.lost === 0 && result.duplicates === 0 && result.errorCount === 0 && result.latency.p99 < p99LimitMs;
}
