import { readFileSync } from 'node:fs';

// Linux /proc: the benchmark reads CPU and memory of the servers' process trees (a Postgres
// cluster is one tree: the postmaster and its backends). Elsewhere: NaN.

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

/**
 * CPU seconds (user + system) one process has used, its reaped children included (a backend
 * that exited moved its time into the postmaster's cutime/cstime), or NaN when it is not there.
 */
export function processCpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return Number.NaN;
  // Fields after the command (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14 to 17 of proc(5).
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds used so far by the process tree under `pid` (live processes and reaped ones). */
export function cpuSeconds(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    const seconds = processCpuSeconds(p);
    // A child that exited between listing and reading is in its parent's cutime already.
    if (!Number.isNaN(seconds) || p === pid) total += seconds;
  }
  return total;
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

/** The postmaster's pid, from the first line of `<data dir>/postmaster.pid`. */
export function postmasterPid(dataDir: string): number {
  const pid = Number((read(`${dataDir}/postmaster.pid`) ?? '').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no running Postgres in ${dataDir}`);
  return pid;
}

/** This process' CPU seconds (the load generator's cost, shown beside the servers'). */
export function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
