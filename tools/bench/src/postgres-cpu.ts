import pg from 'pg';
import { cpuSeconds, processCpuSeconds } from './process-stats.ts';

/** Postgres CPU, read from /proc and reported apart from the gateway's. */
export interface CpuMeter {
  /** CPU seconds so far: the difference of two reads is what the window between cost. NaN: not readable here. */
  read(): Promise<number>;
  /** What is counted, for the report. */
  readonly counts: string;
  close(): Promise<void>;
}

/** A cluster of our own (the embedded one): its whole tree, background writers included. */
export function treeCpuMeter(postmasterPid: number): CpuMeter {
  return {
    counts: 'the whole embedded cluster (postmaster, backends, WAL writer, checkpointer)',
    read: async () => cpuSeconds(postmasterPid),
    close: async () => undefined,
  };
}

const SAMPLE_EVERY_MS = 250;

/**
 * A shared server: only the backends of our database (`pg_stat_activity`), sampled every
 * 250 ms, each at the highest CPU time it was seen with. A backend that is born after the
 * first read counts whole; one that exits loses at most its last 250 ms. Shared processes
 * (WAL writer, checkpointer) are not counted: their work is not ours alone. NaN when the
 * server is not on this machine (its pids are not in our /proc).
 */
export async function backendCpuMeter(adminUrl: string, database: string): Promise<CpuMeter> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  const seen = new Map<number, number>();
  let readable = false;
  let closed = false;
  let running: Promise<void> | undefined;

  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (Number.isNaN(seconds)) continue;
      readable = true;
      seen.set(pid, Math.max(seen.get(pid) ?? 0, seconds));
    }
  };
  const sampleOnce = () => (running ??= sample().finally(() => (running = undefined)));
  const timer = setInterval(() => void sampleOnce().catch(() => undefined), SAMPLE_EVERY_MS);
  await sampleOnce();

  return {
    counts: `only the backends of its own benchmark database on a shared server, sampled every ${SAMPLE_EVERY_MS} ms (WAL writer and checkpointer not counted)`,
    async read() {
      await sampleOnce().catch(() => undefined);
      if (!readable) return Number.NaN;
      let total = 0;
      for (const seconds of seen.values()) total += seconds;
      return total;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
      await client.end();
    },
  };
}
