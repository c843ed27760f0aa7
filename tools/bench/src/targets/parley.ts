import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { startChild, tsNode, type Child } from '../child.ts';
import type { BenchTarget, Population, RunningServer, StartOptions } from '../target.ts';
import { roomOf } from '../target.ts';
import { parleyCodec, type Codec } from '../wire.ts';
import { openBenchDatabase, seedPopulation, type BenchDatabase, type SeededPopulation } from './parley-database.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const GATEWAY = join(ROOT, 'apps/gateway/src/main.ts');

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
}

/**
 * The real gateway (`apps/gateway/src/main.ts`, production mode) on a real Postgres. A
 * delivery is a `chat_event` (a new message) to another member, published only after it was
 * committed; the sender's `chat_ack` (durable) latency is reported as well. The database and
 * its people outlive gateway processes: each start is a fresh gateway on the same data.
 */
export function parleyTarget(options: ParleyTargetOptions = {}): BenchTarget {
  const nodeCount = options.nodes ?? 1;
  let database: BenchDatabase | undefined;
  let population: Population | undefined;
  let seeded: SeededPopulation | undefined;
  let codecs: Codec[] = [];
  let prepared = 0;

  return {
    id: nodeCount === 1 ? 'parley' : `parley${nodeCount}`,
    name: nodeCount === 1 ? 'Parley (durable)' : `Parley (durable), ${nodeCount} nodes + Redis`,
    delivery: `committed to Postgres, then fanned out${nodeCount > 1 ? ' (through Redis to the other node)' : ''}`,
    get postgres() {
      return database?.cpu;
    },
    async prepare(p) {
      if (nodeCount > 1 && (!options.adminDatabaseUrl || !options.redisUrl)) {
        throw new Error('Parley on several nodes needs a shared Postgres and Redis: pass --database-url and --redis-url');
      }
      database ??= await openBenchDatabase(options.adminDatabaseUrl);
      population = p;
      seeded = await seedPopulation(database.db, p, String(++prepared));
      const conversations = seeded.conversations;
      codecs = conversations.map((id) => parleyCodec(id, PROTOCOL_VERSION));
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
          const [command, args] = tsNode(GATEWAY, { gcProbe: start.gcProbe, profileDir: options.profileDir });
          const child = await startChild(command, args, {
            env: {
              PATH: process.env.PATH,
              TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.base.json'),
              NODE_ENV: 'production',
              HOST: '127.0.0.1',
              PORT: String(start.ports?.[node] ?? 0),
              DATABASE_URL: db.databaseUrl,
              ...(nodeCount > 1 && options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
              NODE_ID: `bench-${node}-${process.pid}`,
              SERVE_WEB: 'false',
              LOG_LEVEL: 'warn',
              ...start.env,
            },
            cwd: ROOT,
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
    },
  };
}
