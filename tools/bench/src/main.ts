// The Parley benchmark: raw `ws`, Socket.IO and Parley under the same scenarios, side by side
// in one run, each run a fresh server process. See tools/bench/README.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseCli, UsageError, type Cli, type Scenario } from './cli.ts';
import { renderConnect, runConnect } from './connect.ts';
import { renderCrashSweep, runCrashSweep } from './crash-sweep.ts';
import { int, loadLine, machineLine } from './format.ts';
import { runKnee, type KneeOptions } from './knee.ts';
import { renderMemory, runMemory } from './memory.ts';
import { renderKnee } from './report-knee.ts';
import { renderSignInFlood, runSignInFlood } from './signin-flood.ts';
import type { BenchTarget, Population } from './target.ts';
import { parleyTarget } from './targets/parley.ts';
import { socketIoTarget, wsTarget } from './targets/relay.ts';

let cli: Cli;
try {
  cli = parseCli(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
  console.error(`${error.message}\nSee tools/bench/README.md for the options.`);
  process.exit(2);
}

/** People a `parley-watch` client watches: about a sidebar and a member list on screen. */
const PRESENCE_WATCH_BENCH = 20;
const oneParley = () => parleyTarget({ adminDatabaseUrl: cli.databaseUrl, profileDir: cli.profileDir });
const factories: Record<string, () => BenchTarget> = {
  ws: wsTarget,
  socketio: socketIoTarget,
  parley: oneParley,
  parley2: () => parleyTarget({ adminDatabaseUrl: cli.databaseUrl, redisUrl: cli.redisUrl, nodes: 2, profileDir: cli.profileDir }),
  // Clients that watch 20 people's presence (PROTOCOL.md §5.16) instead of every contact's.
  'parley-watch': () => parleyTarget({ adminDatabaseUrl: cli.databaseUrl, profileDir: cli.profileDir, presenceWatch: PRESENCE_WATCH_BENCH }),
  // --build NAME=PATH[:PROTOCOL]: another production build (e.g. an older commit's), for a before/after in one run.
  ...Object.fromEntries(
    cli.builds.map(({ name, main, protocol }) => [
      name,
      () => parleyTarget({ adminDatabaseUrl: cli.databaseUrl, profileDir: cli.profileDir, build: { main: resolve(main), protocol, id: name, name: `Parley (durable), ${name}` } }),
    ]),
  ),
};
const clash = cli.builds.find((b) => ['ws', 'socketio', 'parley', 'parley2', 'parley-watch'].includes(b.name));
if (clash) {
  console.error(`--build ${clash.name}=…: that name is a built-in target; choose another (e.g. before)`);
  process.exit(2);
}
const unknown = cli.targets.filter((n) => !(n in factories));
if (cli.targets.length === 0 || unknown.length > 0) {
  console.error(`--targets takes a comma-separated list of ${Object.keys(factories).join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}`);
  process.exit(2);
}

// --pin: the load generator (this process) on the first CPU, each server on the last one.
let serverCpus: string | undefined;
if (cli.pin && cpus().length > 1) {
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  serverCpus = String(cpus().length - 1);
}

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const rooms = (sockets: number, roomSize: number): Population => ({ rooms: Math.max(1, Math.round(sockets / roomSize)), roomSize });
const targets = cli.targets.flatMap((n) => factories[n]?.() ?? []);
const stopAll = () => Promise.all(targets.map((t) => t.dispose().catch(() => undefined)));
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

const loadShared = {
  warmupMs: cli.warmupMs,
  durationMs: cli.durationMs,
  drainMs: cli.drainMs,
  paddingChars: cli.paddingChars,
  connectConcurrency: cli.connectConcurrency,
  serverCpus,
  reps: cli.reps,
  p99LimitMs: cli.p99LimitMs,
};

async function knee(title: string, population: Population, rates: readonly number[], fixed = false): Promise<string[]> {
  for (const target of targets) await target.prepare(population);
  const options: KneeOptions = { ...loadShared, population, rates };
  return renderKnee(title, await runKnee(targets, options, log), fixed);
}

/** The targets some scenario ran, for the notes under the report. */
const measured = new Set<BenchTarget>();

async function run(scenario: Scenario): Promise<string[]> {
  const size = cli.s1.roomSize;
  if (scenario !== 'signin-flood' && scenario !== 'crash-sweep') for (const t of targets) measured.add(t);
  switch (scenario) {
    case 's1':
      return knee(`S1: ${int(cli.s1.rooms * size)} sockets in ${int(cli.s1.rooms)} rooms × ${size}, knee`, cli.s1, cli.s1Rates);
    case 's2':
      return knee(`S2: one room of ${int(cli.s2.roomSize)} members, knee`, cli.s2, cli.s2Rates);
    case 'connect':
      return renderConnect(
        await runConnect(
          targets,
          {
            population: rooms(cli.connectSockets, size),
            stormPopulation: rooms(cli.stormSockets, size),
            reps: cli.reps,
            connectConcurrency: cli.connectConcurrency,
            stormTimeoutMs: cli.stormTimeoutMs,
            serverCpus,
          },
          log,
        ),
      );
    case 'memory':
      return renderMemory(
        await runMemory(
          targets,
          { idle: rooms(cli.memoryIdle, size), room: { rooms: 1, roomSize: cli.memoryRoom }, reps: cli.reps, connectConcurrency: cli.connectConcurrency, serverCpus },
          log,
        ),
      );
    case 'load': {
      const { rooms: r, roomSize, ratePerClient } = cli.load;
      const rate = r * roomSize * ratePerClient;
      return knee(`Fixed load: ${r} rooms × ${roomSize}, ${ratePerClient} msg/s per client (${int(rate)} msg/s)`, { rooms: r, roomSize }, [rate], true);
    }
    case 'crash-sweep': {
      // About Parley's presence on Redis alone: no gateway, no relays.
      if (!cli.redisUrl) throw new UsageError('--scenario crash-sweep needs --redis-url (or BENCH_REDIS_URL)');
      const options = { redisUrl: cli.redisUrl, ...cli.crash, reps: cli.reps };
      return renderCrashSweep(options, await runCrashSweep(options, log));
    }
    case 'signin-flood': {
      // About Parley's own defence: the relays have no sign-in. The one-node Parley of
      // --targets, or one made for it (on the same kind of database).
      let parley = targets.find((t) => t.id === 'parley');
      if (!parley) targets.push((parley = oneParley()));
      const population = { rooms: cli.load.rooms, roomSize: cli.load.roomSize };
      measured.add(parley);
      await parley.prepare(population);
      return renderSignInFlood(
        await runSignInFlood(parley, { ...loadShared, population, rate: cli.flood.rate, flooders: cli.flood.flooders, gatewayEnv: cli.flood.gatewayEnv }, log),
      );
    }
  }
}

const header = [
  `# Benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Machine: ${machineLine()}; ${loadLine()} at the start. Clients (one process, raw \`ws\` sockets) and servers share it` +
    `${serverCpus ? ` (pinned: load generator on CPU 0, servers on CPU ${serverCpus}, Postgres unpinned)` : ''}; ` +
    'latency is due → received on one clock. Compare rows of one run only.',
  `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\``,
];
const sections: string[][] = [];
let failed = false;
let postgresCounts: string | undefined;
try {
  for (const scenario of cli.scenarios) {
    log(`scenario ${scenario}`);
    sections.push(await run(scenario));
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  postgresCounts = targets.find((t) => t.postgres)?.postgres?.counts;
  await stopAll();
}

const notes = [
  `Finished with ${loadLine()}.`,
  ...[...measured].map((t) => `- ${t.name}: a delivery is ${t.delivery}.`),
  postgresCounts ? `- Postgres CPU counts ${postgresCounts}.` : '',
].filter(Boolean);
const report = [...header, '', ...sections.flatMap((s) => [...s, '']), ...notes].join('\n');
console.log(report);
if (cli.out) writeFileSync(cli.out, `${report}\n`);
process.exit(failed ? 1 : 0);
