import { parseArgs } from 'node:util';
import { PRESENCE_GRACE_MS, PROTOCOL_VERSION } from '@parley/protocol';

export const SCENARIOS = ['s1', 's2', 'connect', 'memory', 'load', 'signin-flood', 'crash-sweep'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** `--scenario all`: the four of issue 11 (the fixed `load`, `signin-flood` and `crash-sweep` only by name). */
const ALL: readonly Scenario[] = ['s1', 's2', 'connect', 'memory'];

/** Every option, its default and what it means: README.md's table is this list. */
const OPTIONS = {
  scenario: { type: 'string', default: 'all' },
  targets: { type: 'string', default: 'ws,socketio,parley' },
  reps: { type: 'string', default: '2' },
  warmup: { type: 'string', default: '2' },
  duration: { type: 'string', default: '5' },
  drain: { type: 'string', default: '2' },
  'p99-ms': { type: 'string', default: '50' },
  padding: { type: 'string', default: '100' },
  'connect-concurrency': { type: 'string', default: '100' },
  's1-rooms': { type: 'string', default: '200' },
  's1-room-size': { type: 'string', default: '10' },
  's1-rates': { type: 'string', default: '1000,2000,4000,6000,8000' },
  's2-members': { type: 'string', default: '1000' },
  's2-rates': { type: 'string', default: '10,20,50,100,200' },
  'connect-sockets': { type: 'string', default: '2000' },
  storm: { type: 'string', default: '2000' },
  'storm-timeout': { type: 'string', default: '120' },
  'memory-idle': { type: 'string', default: '5000' },
  'memory-room': { type: 'string', default: '1000' },
  rooms: { type: 'string', default: '20' },
  clients: { type: 'string', default: '10' },
  rate: { type: 'string', default: '2' },
  flooders: { type: 'string', default: '200' },
  'flood-rate': { type: 'string', default: '100' },
  'flood-env': { type: 'string', default: '' },
  'crash-users': { type: 'string', default: '50000' },
  'crash-sweepers': { type: 'string', default: '1,2,4' },
  'crash-ttl': { type: 'string', default: '15' },
  'crash-grace': { type: 'string', default: String(PRESENCE_GRACE_MS / 1000) },
  pin: { type: 'boolean', default: false },
  'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL },
  'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL },
  profile: { type: 'string' },
  build: { type: 'string', multiple: true },
  out: { type: 'string' },
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function number(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return value;
}

function list(name: string, raw: string | undefined, min: number, max: number): number[] {
  const values = (raw ?? '').split(',').filter(Boolean).map((v) => number(name, v, min, max));
  if (values.length === 0 || values.some((v, i) => i > 0 && v <= (values[i - 1] ?? 0))) throw new UsageError(`--${name} takes ascending numbers, got ${JSON.stringify(raw)}`);
  return values;
}

/** `KEY=VALUE,KEY=VALUE` → an environment (values may not contain commas). */
function environment(name: string, raw: string): Record<string, string> {
  const pairs = raw.split(',').map((p) => p.trim()).filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new UsageError(`--${name} takes KEY=VALUE pairs separated by commas, got ${JSON.stringify(pair)}`);
      return [match[1], match[2]];
    }),
  );
}

/** Another production build of Parley, a target of its own (`--build NAME=PATH[:PROTOCOL]`). */
export interface BuildOption {
  name: string;
  main: string;
  protocol: number;
}

const BUILD_PATTERN = /^([a-z][a-z0-9_-]*)=(.+?)(?::(\d+))?$/;

function build(raw: string): BuildOption {
  const match = BUILD_PATTERN.exec(raw);
  if (!match?.[1] || !match[2]) throw new UsageError(`--build takes NAME=PATH[:PROTOCOL] (e.g. before=../wt-base/dist/apps/gateway/main.js:1), got ${JSON.stringify(raw)}`);
  const protocol = number('build', match[3] ?? String(PROTOCOL_VERSION), 1, PROTOCOL_VERSION);
  return { name: match[1], main: match[2], protocol };
}

export function parseCli(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  const scenarios = (values.scenario === 'all' ? ALL : values.scenario.split(',').map((s) => s.trim())) as Scenario[];
  const unknown = scenarios.filter((s) => !SCENARIOS.includes(s));
  if (scenarios.length === 0 || unknown.length > 0) throw new UsageError(`--scenario takes all or a comma-separated list of ${SCENARIOS.join(', ')}; unknown: ${unknown.join(', ')}`);
  const seconds = (name: 'warmup' | 'duration' | 'drain' | 'storm-timeout', max: number) => number(name, values[name], 0, max) * 1000;
  const s1RoomSize = Math.round(number('s1-room-size', values['s1-room-size'], 2, 1000));
  return {
    scenarios,
    targets: values.targets.split(',').map((s) => s.trim()).filter(Boolean),
    reps: Math.round(number('reps', values.reps, 1, 20)),
    warmupMs: seconds('warmup', 60),
    durationMs: Math.max(500, seconds('duration', 600)),
    drainMs: seconds('drain', 60),
    p99LimitMs: number('p99-ms', values['p99-ms'], 1, 10_000),
    paddingChars: Math.round(number('padding', values.padding, 0, 3900)),
    connectConcurrency: Math.round(number('connect-concurrency', values['connect-concurrency'], 1, 100_000)),
    s1: { rooms: Math.round(number('s1-rooms', values['s1-rooms'], 1, 10_000)), roomSize: s1RoomSize },
    s1Rates: list('s1-rates', values['s1-rates'], 1, 1_000_000),
    s2: { rooms: 1, roomSize: Math.round(number('s2-members', values['s2-members'], 2, 10_000)) },
    s2Rates: list('s2-rates', values['s2-rates'], 1, 1_000_000),
    connectSockets: Math.round(number('connect-sockets', values['connect-sockets'], 2, 50_000)),
    stormSockets: Math.round(number('storm', values.storm, 2, 50_000)),
    stormTimeoutMs: seconds('storm-timeout', 3600),
    memoryIdle: Math.round(number('memory-idle', values['memory-idle'], 2, 50_000)),
    memoryRoom: Math.round(number('memory-room', values['memory-room'], 2, 10_000)),
    load: {
      rooms: Math.round(number('rooms', values.rooms, 1, 5000)),
      roomSize: Math.max(2, Math.round(number('clients', values.clients, 2, 1000))),
      ratePerClient: number('rate', values.rate, 0.01, 10),
    },
    flood: {
      flooders: Math.round(number('flooders', values.flooders, 1, 10_000)),
      rate: number('flood-rate', values['flood-rate'], 1, 1_000_000),
      gatewayEnv: environment('flood-env', values['flood-env']),
    },
    crash: {
      users: Math.round(number('crash-users', values['crash-users'], 1, 1_000_000)),
      sweepers: list('crash-sweepers', values['crash-sweepers'], 1, 16),
      ttlMs: number('crash-ttl', values['crash-ttl'], 0.3, 600) * 1000,
      graceMs: number('crash-grace', values['crash-grace'], 0, 300) * 1000,
    },
    pin: values.pin,
    databaseUrl: values['database-url'],
    redisUrl: values['redis-url'],
    profileDir: values.profile,
    builds: (values.build ?? []).map(build),
    out: values.out,
  };
}

export type Cli = ReturnType<typeof parseCli>;
