import { readFileSync } from 'node:fs';

// Linux /proc: the benchmark reports the server's CPU and memory for its whole process tree
// (the Parley gateway's embedded Postgres runs as its children). Elsewhere: NaN.

const CLOCK_TICKS_PER_SECOND = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  const tasks = read(`/proc/${pid}/task/${pid}/children`);
  return tasks ? tasks.trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

export function processTree(pid: number): number[] {
  const all: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    all.push(next);
    queue.push(...childrenOf(next));
  }
  return all;
}

/** CPU seconds (user + system) used so far by the process tree. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const stat = read(`/proc/${p}/stat`);
    if (!stat) continue;
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of the process tree, in MiB. */
export function rssMiB(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${p}/status`) ?? '');
    if (match) kib += Number(match[1]);
  }
  return kib / 1024;
}
