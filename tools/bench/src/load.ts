import { performance } from 'node:perf_hooks';
import { cpuSeconds, rssMiB } from './process-stats.ts';
import { summarize, type LatencySummary } from './stats.ts';
import type { BenchConnection, BenchTarget } from './target.ts';

export interface LoadOptions {
  rooms: number;
  clientsPerRoom: number;
  /** Messages per second each client sends (Parley allows 10 sustained per socket). */
  ratePerClient: number;
  warmupMs: number;
  durationMs: number;
  /** Extra characters per message, on top of its ~60-character header. */
  paddingChars: number;
  /** How long to wait after the last send for deliveries still on their way. */
  drainMs: number;
}

export interface LoadResult {
  target: string;
  /** Messages sent while measuring. */
  sent: number;
  /** Deliveries those messages should make (to each other room member). */
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  latency: LatencySummary;
  deliveriesPerSecond: number;
  /** Server process tree CPU from the end of the warm-up to the last delivery, in % of one core. */
  serverCpuPercent: number;
  /** The same, in CPU seconds (for CPU per delivery). */
  serverCpuSeconds: number;
  serverRssMiB: number;
  extra: Record<string, LatencySummary>;
  /** What the server reported as errors (rate limits, refusals); a clean run has none. */
  errors: string[];
}

interface Payload {
  /** room, client, sequence number, send time (performance.now), measured (0 = warm-up). */
  r: number;
  c: number;
  n: number;
  t: number;
  m: 0 | 1;
  p: string;
}

/** The sender loop's period: a message goes out at most this late after it was due. */
const TICK_MS = 1;

const serverCpu = (target: BenchTarget) => target.serverPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/**
 * Runs a fixed offered load against a started target: every client of every room sends
 * `ratePerClient` messages per second, and every other client of the room must receive each
 * exactly once. Latency is send → receive in this process (one clock). Only messages sent
 * after the warm-up count.
 */
export async function runLoad(target: BenchTarget, options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let delivered = 0;
  let duplicates = 0;
  const seen = new Map<string, Set<string>>(); // receiver -> message keys
  const connections: Array<{ room: number; client: number; conn: BenchConnection; nextAt: number; seq: number }> = [];

  for (let room = 0; room < options.rooms; room++) {
    for (let client = 0; client < options.clientsPerRoom; client++) {
      const receiver = `${room}:${client}`;
      const got = new Set<string>();
      seen.set(receiver, got);
      const conn = await target.connect(room, client, (raw) => {
        const now = performance.now();
        const payload = JSON.parse(raw) as Payload;
        if (payload.m !== 1) return;
        const key = `${payload.r}:${payload.c}:${payload.n}`;
        if (got.has(key)) {
          duplicates += 1;
          return;
        }
        got.add(key);
        delivered += 1;
        latencies.push(now - payload.t);
      });
      connections.push({ room, client, conn, nextAt: 0, seq: 0 });
    }
  }

  const padding = 'x'.repeat(options.paddingChars);
  const intervalMs = 1000 / options.ratePerClient;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  // Staggered so sends spread over each interval instead of arriving in bursts.
  connections.forEach((sender, i) => (sender.nextAt = start + (intervalMs * i) / connections.length));
  let sent = 0;
  let cpuAtStart = Number.NaN;

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (Number.isNaN(cpuAtStart) && now >= measureFrom) cpuAtStart = serverCpu(target);
      if (now >= end) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (const sender of connections) {
        while (sender.nextAt <= now) {
          const measured = sender.nextAt >= measureFrom ? 1 : 0;
          // Latency counts from when the message was due, not when this loop got to it: a
          // stalled load generator must not hide the wait (no coordinated omission).
          const payload: Payload = { r: sender.room, c: sender.client, n: sender.seq++, t: sender.nextAt, m: measured, p: padding };
          sender.nextAt += intervalMs;
          sender.conn.send(JSON.stringify(payload));
          if (measured) sent += 1;
        }
      }
    }, TICK_MS);
  });
  const rss = target.serverPids().reduce((sum, pid) => sum + rssMiB(pid), 0);
  const expected = sent * (options.clientsPerRoom - 1);
  const drainUntil = performance.now() + options.drainMs;
  while (delivered < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  // CPU up to the last delivery it made, so work done while draining counts.
  const cpuAtEnd = serverCpu(target);
  const cpuWindowS = (performance.now() - measureFrom) / 1000;
  await Promise.all(connections.map(({ conn }) => conn.close()));

  const extra = Object.fromEntries(Object.entries(target.extraSamples?.() ?? {}).map(([k, v]) => [k, summarize(v)]));
  return {
    target: target.name,
    sent,
    expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    latency: summarize(latencies),
    deliveriesPerSecond: delivered / (options.durationMs / 1000),
    serverCpuPercent: ((cpuAtEnd - cpuAtStart) / cpuWindowS) * 100,
    serverCpuSeconds: cpuAtEnd - cpuAtStart,
    serverRssMiB: rss,
    extra,
    errors: target.errors?.() ?? [],
  };
}
