// The Parley benchmark: the same chat load against raw `ws`, Socket.IO and Parley, one after
// the other on this machine, reported side by side. See tools/bench/README.md.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';
import { renderReport } from './report.ts';
import type { BenchTarget } from './target.ts';
import { parleyTarget } from './targets/parley.ts';
import { socketIoTarget } from './targets/socketio.ts';
import { wsTarget } from './targets/ws.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'ws,socketio,parley' },
    rooms: { type: 'string', default: '20' },
    clients: { type: 'string', default: '10' },
    rate: { type: 'string', default: '2' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    padding: { type: 'string', default: '100' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL },
    profile: { type: 'string' },
    'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL },
    out: { type: 'string' },
  },
});

function positive(name: string, raw: string | undefined, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    console.error(`--${name} must be a number in (0, ${max}], got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const options: LoadOptions = {
  rooms: Math.round(positive('rooms', values.rooms, 500)),
  clientsPerRoom: Math.max(2, Math.round(positive('clients', values.clients, 256))),
  // Parley allows 10 sends per second per socket, sustained.
  ratePerClient: positive('rate', values.rate, 10),
  durationMs: positive('duration', values.duration, 600) * 1000,
  warmupMs: positive('warmup', values.warmup, 60) * 1000,
  paddingChars: Math.round(positive('padding', values.padding, 3900)),
  drainMs: 5000,
};

const factories: Record<string, () => BenchTarget> = {
  ws: wsTarget,
  socketio: socketIoTarget,
  parley: () => parleyTarget({ adminDatabaseUrl: values['database-url'], profileDir: values.profile }),
  parley2: () =>
    parleyTarget({ adminDatabaseUrl: values['database-url'], redisUrl: values['redis-url'], nodes: 2, profileDir: values.profile }),
};
const names = (values.targets ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = names.filter((n) => !(n in factories));
if (names.length === 0 || unknown.length > 0) {
  console.error(`--targets takes a comma-separated list of ${Object.keys(factories).join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}`);
  process.exit(2);
}

const targets = names.flatMap((n) => factories[n]?.() ?? []);
const results: LoadResult[] = [];
for (const target of targets) {
  console.error(`${target.name}: starting…`);
  await target.start(options.rooms, options.clientsPerRoom);
  try {
    console.error(`${target.name}: running ${(options.warmupMs + options.durationMs) / 1000} s…`);
    results.push(await runLoad(target, options));
  } finally {
    await target.stop();
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const report = renderReport(options, targets, results, machine);
console.log(report);
if (values.out) writeFileSync(values.out, `${report}\n`);
const failed = results.some((r) => r.lost > 0 || r.duplicates > 0 || r.errors.length > 0);
process.exit(failed ? 1 : 0);
