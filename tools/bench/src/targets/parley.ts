import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { deleteKeysWithPrefix } from '@parley/realtime/testing';
import { existsSync, mkdirSync } from 'node:fs';
import { jsNode, startChild, type Child } from '../child.ts';
import type { BenchTarget, Population, RunningServer, StartOptions } from '../target.ts';
import { roomOf } from '../target.ts';
import { parleyCodec, type Codec } from '../wire.ts';
import { openBenchDatabase, seedPopulation, type BenchDatabase, type SeededPopulation } from './parley-database.ts';
import { seedPopulationV1 } from './parley-seed-v1.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/**
 * The production build (`nx run gateway:build`; `npm run bench` builds it first), as deployed.
 * Not the sources through tsx: its esbuild transform keeps function names by redefining
 * `name` on every function it creates, which gives each per-socket closure a property array
 * of its own (about 7 KB a socket) that a deployment never pays.
 */
const GATEWAY = join(ROOT, 'dist/apps/gateway/main.js');

export interface ParleyTargetOptions {
  /**
   * A Postgres server to create a fresh database on (dropped afterwards), e.g.
   * postgresql://postgres@127.0.0.1:5432/postgres. Without it the benchmark starts the
   * embedded Postgres (`npm start`'s) in a temporary folder.
   */
  adminDatabaseUrl?: string | undefined;
  /** Write a CPU profile of each gateway process into this folder. */
  profileDir?: string | undefined;
  /**
   * Gateway nodes (default 1). More than one needs `adminDatabaseUrl` and `redisUrl`: the
   * nodes share Postgres and fan out through Redis, and client i connects to node i % nodes.
   */
  nodes?: number;
  redisUrl?: string | undefined;
  /**
   * Clients watch the presence of this many members of their room (PROTOCOL.md §5.16) instead
   * of hearing every contact: what a client that shows a few people at a time does.
   */
  presenceWatch?: number | undefined;
  /**
   * Another production build of Parley to run instead of this checkout's (e.g. one built in a
   * worktree at an older commit), for a before/after in one run: `--targets parley,parley-base
   * --base-main PATH`. It runs from its own workspace (its node_modules, its migrations).
   */
  build?: ParleyBuild | undefined;
}

export interface ParleyBuild {
  /** `dist/apps/gateway/main.js` of that build. */
  main: string;
  /** The protocol it speaks: 1 (before the event log) or 2. */
  protocol: number;
  /** Its id in `--targets` and in the report. */
  id: string;
  name: string;
}

/**
 * The real gateway (`apps/gateway/src/main.ts`, production mode) on a real Postgres. A
 * delivery is a `chat_event` (a new message) to another member, published only after it was
 * committed; the sender's `chat_ack` (durable) latency is reported as well. The database and
 * its people outlive gateway processes: each start is a fresh gateway on the same data.
 */
export function parleyTarget(options: ParleyTargetOptions = {}): BenchTarget {
  const nodeCount = options.nodes ?? 1;
  const build = options.build;
  const gateway = build?.main ?? GATEWAY;
  // A workspace's build lives at <root>/dist/apps/gateway/main.js; it runs from that root.
  const cwd = build ? resolve(dirname(gateway), '../../..') : ROOT;
  const protocol = build?.protocol ?? PROTOCOL_VERSION;
  const id = build?.id ?? (nodeCount === 1 ? 'parley' : `parley${nodeCount}`) + (options.presenceWatch === undefined ? '' : '-watch');
  const profileDir = options.profileDir ? join(options.profileDir, id) : undefined;
  let database: BenchDatabase | undefined;
  let population: Population | undefined;
  let seeded: SeededPopulation | undefined;
  let codecs: Codec[] = [];
  let prepared = 0;
  // Its own presence keys on a Redis that other runs (or CI's tests) may share; deleted by dispose().
  const redisKeyPrefix = `bench-${randomUUID().slice(0, 8)}:`;

  return {
    id,
    name:
      build?.name ??
      (nodeCount === 1 ? 'Parley (durable)' : `Parley (durable), ${nodeCount} nodes + Redis`) +
        (options.presenceWatch === undefined ? '' : `, watching ${options.presenceWatch} people's presence`),
    delivery:
      `committed to Postgres, then fanned out${nodeCount > 1 ? ' (through Redis to the other node)' : ''}` +
      (build ? `; the build at ${gateway}, protocol ${protocol} (${protocol < 2 ? 'chat_message' : 'chat_event'} frames)` : ''),
    get postgres() {
      return database?.cpu;
    },
    async prepare(p) {
      if (nodeCount > 1 && (!options.adminDatabaseUrl || !options.redisUrl)) {
        throw new Error('Parley on several nodes needs a shared Postgres and Redis: pass --database-url and --redis-url');
      }
      if (!existsSync(gateway)) throw new Error(`No production build at ${gateway}: run npx nx run gateway:build (npm run bench does, for this checkout)`);
      database ??= await openBenchDatabase(options.adminDatabaseUrl, build ? { migrationsDir: join(dirname(gateway), 'migrations') } : {});
      population = p;
      seeded = await (protocol < 2 ? seedPopulationV1 : seedPopulation)(database.db, p, String(++prepared));
      const people = seeded;
      codecs = people.conversations.map((conversationId, room) => {
        if (options.presenceWatch === undefined) return parleyCodec(conversationId, protocol);
        const first = room * p.roomSize;
        return parleyCodec(conversationId, protocol, { watch: people.userIds.slice(first, first + Math.min(options.presenceWatch, p.roomSize)) });
      });
      if (profileDir) mkdirSync(profileDir, { recursive: true });
    },
    async start(start: StartOptions = {}): Promise<RunningServer> {
      const db = database;
      const people = seeded;
      const shape = population;
      if (!db || !people || !shape) throw new Error('prepare() the target first');
      const processes: Child[] = [];
      const ports: number[] = [];
      try {
        for (let node = 0; node < nodeCount; node++) {
          const [command, args] = jsNode(gateway, { gcProbe: start.gcProbe, profileDir });
          const child = await startChild(command, args, {
            env: {
              PATH: process.env.PATH,
              NODE_ENV: 'production',
              HOST: '127.0.0.1',
              PORT: String(start.ports?.[node] ?? 0),
              DATABASE_URL: db.databaseUrl,
              ...(nodeCount > 1 && options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix } : {}),
              NODE_ID: `bench-${node}-${process.pid}`,
              SERVE_WEB: 'false',
              LOG_LEVEL: 'warn',
              ...start.env,
            },
            cwd,
            readyPattern: /Parley is running at http:\/\/\S+:(\d+)/,
            timeoutMs: 120_000,
            cpus: start.cpus,
          });
          processes.push(child);
          ports.push(Number(child.ready));
        }
      } catch (error) {
        await Promise.all(processes.map((c) => c.stop()));
        throw error;
      }
      return {
        processes,
        ports,
        client(index) {
          const cookie = people.cookies[index];
          const codec = codecs[roomOf(shape, index)];
          if (!cookie || !codec) throw new Error(`no client ${index}: prepare() made ${people.cookies.length}`);
          return { url: `ws://127.0.0.1:${ports[index % ports.length]}/ws`, headers: { cookie }, codec };
        },
        stop: async () => void (await Promise.all(processes.map((c) => c.stop()))),
      };
    },
    async dispose() {
      await database?.close();
      database = undefined;
      if (nodeCount > 1 && options.redisUrl) await deleteKeysWithPrefix(options.redisUrl, redisKeyPrefix);
    },
  };
}
