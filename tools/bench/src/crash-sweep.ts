// A crashed node's users going offline (issue 11): a simulated node with N users (presence
// entries only, no sockets) stops heartbeating; 1, 2, … surviving nodes (one process each,
// see servers/presence-sweeper.ts) sweep them. Measured: from the dead node's last heartbeat
// to the last user announced offline, and how the work split between the survivors. Every
// user must be announced exactly once.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createRedisPresenceStore, DEFAULT_PRESENCE_SWEEP_MS, type RedisPresenceStore } from '@parley/realtime';
import { deleteKeysWithPrefix } from '@parley/realtime/testing';
import { startChild, tsNode, type Child } from './child.ts';
import { int, seconds, spread, table } from './format.ts';

const SWEEPER = fileURLToPath(new URL('./servers/presence-sweeper.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));
/** Entries per pipelined write while populating (bounds the client's memory). */
const WRITE_CHUNK = 2_000;

export interface CrashSweepOptions {
  redisUrl: string;
  users: number;
  sweepers: readonly number[];
  ttlMs: number;
  /** The gateway's PRESENCE_GRACE_MS (default 8 s). */
  graceMs: number;
  reps: number;
}

export interface CrashSweepRun {
  sweepers: number;
  /** Last heartbeat of the dead node → last user announced offline. */
  totalMs: number;
  /** totalMs minus max(TTL, grace), when the first settle may announce: the sweep's own part. */
  drainMs: number;
  announced: number;
  /** Offline announcements per surviving node. */
  split: number[];
}

/** A user without sockets goes offline once both the entry expired and the grace ran out. */
const offlineFrom = (options: CrashSweepOptions) => Math.max(options.ttlMs, options.graceMs);

/**
 * Entries are written to last this long: the survivors take seconds to start on a loaded
 * machine, and entries written with the scenario's short TTL would expire (and be announced)
 * before the dead node's last heartbeat, which then sets every entry to expire one TTL later.
 */
const POPULATE_TTL_MS = 10 * 60_000;

async function populate(store: RedisPresenceStore, users: string[], nodeId: string): Promise<void> {
  const opts = { ttlMs: POPULATE_TTL_MS, graceMs: 0 };
  for (let start = 0; start < users.length; start += WRITE_CHUNK) {
    const chunk = users.slice(start, start + WRITE_CHUNK);
    await Promise.all(chunk.map((userId) => store.upsertConnection({ userId, connectionId: `${userId}-c`, nodeId, state: 'active' }, opts)));
  }
}

async function once(options: CrashSweepOptions, sweeperCount: number, log: (line: string) => void): Promise<CrashSweepRun> {
  const keyPrefix = `bench-crash-${randomUUID().slice(0, 8)}:`;
  const users = Array.from({ length: options.users }, () => randomUUID());
  const dead = `dead-${keyPrefix}`;
  const store = createRedisPresenceStore({ url: options.redisUrl, keyPrefix, connectionName: 'bench-crashed-node' });
  const sweepers: Child[] = [];
  try {
    await store.waitUntilReady(5_000);
    await populate(store, users, dead);
    const [command, args] = tsNode(SWEEPER);
    for (let i = 0; i < sweeperCount; i += 1) {
      sweepers.push(
        await startChild(command, args, {
          env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, REDIS_URL: options.redisUrl, KEY_PREFIX: keyPrefix, NODE_ID: `survivor-${i}`, PRESENCE_TTL_MS: String(options.ttlMs), PRESENCE_GRACE_MS: String(options.graceMs) },
          readyPattern: /^(ready)$/,
        }),
      );
    }
    // The dead node's last heartbeat: every entry now expires one TTL from here.
    const entries = users.map((userId) => ({ userId, connectionId: `${userId}-c`, state: 'active' as const }));
    await store.refreshNode(dead, entries, options.ttlMs);
    const lastHeartbeat = Date.now();
    log(`crash-sweep: ${int(options.users)} users, ${sweeperCount} surviving node(s), TTL ${seconds(options.ttlMs)} s`);

    // Each survivor prints its running count; read the latest line of each until all are in.
    const latest = (child: Child) => {
      const lines = [...child.output().matchAll(/^offline (\d+) (\d+)$/gm)];
      const last = lines.at(-1);
      return last === undefined ? { count: 0, at: 0 } : { count: Number(last[1]), at: Number(last[2]) };
    };
    const deadline = lastHeartbeat + options.ttlMs + 120_000;
    let seen = sweepers.map(latest);
    while (seen.reduce((sum, s) => sum + s.count, 0) < options.users && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = sweepers.map(latest);
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate announcement would show now
    seen = sweepers.map(latest);
    const counts = seen.map((s) => s.count);
    const lastAt = seen.map((s) => s.at);
    const announced = counts.reduce((a, b) => a + b, 0);
    const totalMs = Math.max(...lastAt) - lastHeartbeat;
    return { sweepers: sweeperCount, totalMs, drainMs: totalMs - offlineFrom(options), announced, split: counts };
  } finally {
    await Promise.all(sweepers.map((c) => c.stop()));
    await store.close();
    await deleteKeysWithPrefix(options.redisUrl, keyPrefix);
  }
}

export async function runCrashSweep(options: CrashSweepOptions, log: (line: string) => void): Promise<CrashSweepRun[]> {
  const runs: CrashSweepRun[] = [];
  // Interleaved: every node count once per repetition, so drift hits them alike.
  for (let rep = 0; rep < options.reps; rep += 1) for (const n of options.sweepers) runs.push(await once(options, n, log));
  return runs;
}

export function renderCrashSweep(options: CrashSweepOptions, runs: readonly CrashSweepRun[]): string[] {
  const from = offlineFrom(options);
  const bound = from + DEFAULT_PRESENCE_SWEEP_MS;
  const rows = options.sweepers.map((n) => {
    const mine = runs.filter((r) => r.sweepers === n);
    const exact = mine.every((r) => r.announced === options.users);
    return [
      String(n),
      spread(mine.map((r) => r.totalMs), seconds),
      spread(mine.map((r) => r.drainMs), seconds),
      mine.every((r) => r.totalMs <= bound) ? 'yes' : 'NO',
      mine.map((r) => r.split.map(int).join(' + ')).join('; '),
      exact ? `yes (${int(options.users)})` : `NO (${mine.map((r) => int(r.announced)).join(', ')})`,
    ];
  });
  return [
    `### Crashed node: ${int(options.users)} users go offline (TTL ${seconds(options.ttlMs)} s, grace ${seconds(options.graceMs)} s; ` +
      `documented bound max(TTL, grace) + one ${seconds(DEFAULT_PRESENCE_SWEEP_MS)} s sweep = ${seconds(bound)} s)`,
    '',
    ...table(['surviving nodes', 'last heartbeat → last offline (s)', `after max(TTL, grace) (s)`, 'within the bound', 'offline announced per node', 'each user once'], rows),
    '',
    'One process per surviving node (presence tracker on Redis, nothing else); the crashed node is presence entries only. ' +
      '"After max(TTL, grace)" includes the wait for the next sweep tick (up to one interval).',
  ];
}
