// Everything a run needs, all of its own: a Postgres cluster and a redis-server on spare ports
// (never the shared 5432 / 6379), the schema, a poison trigger, and two gateway processes
// behind the suite's load balancer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '@parley/db';
import { startPostgresCluster, type PostgresCluster } from '@parley/db/testing';
import { startRedisServer, type RedisServer } from '@parley/realtime/testing';
import { createGatewayNode, shutDown, type GatewayNode, type NodeExit } from './gateway-node.ts';
import { installTriggers } from './db-triggers.ts';
import { createRouter, type Router } from './router.ts';

export const DATABASE_NAME = 'parley';

/** Gateway settings for the run: short presence timers so a crashed node's users clear quickly. */
const NODE_ENV = {
  PRESENCE_TTL_MS: '3000',
  PRESENCE_GRACE_MS: '1000',
  SHUTDOWN_GRACE_MS: '5000',
};

export interface Environment {
  readonly postgres: PostgresCluster;
  readonly redis: RedisServer;
  readonly nodes: readonly [GatewayNode, GatewayNode];
  readonly router: Router;
  /** The suite's own connections, for reading the log and timing faults. */
  readonly db: pg.Pool;
  readonly databaseUrl: string;
  /** Every node exit since the start, planned or not. */
  readonly exits: readonly NodeExit[];
  /** Where node logs go. */
  readonly logDir: string;
  /** Starts any node that is not running and puts it back in the pool. */
  ensureNodesRunning(): Promise<void>;
  close(): Promise<void>;
}

export async function startEnvironment(options: { log?: (line: string) => void } = {}): Promise<Environment> {
  const log = options.log ?? (() => undefined);
  const logDir = mkdtempSync(join(tmpdir(), 'parley-faults-logs-'));
  const exits: NodeExit[] = [];
  let postgres: PostgresCluster | undefined;
  let redis: RedisServer | undefined;
  let db: pg.Pool | undefined;
  const nodes: GatewayNode[] = [];

  async function close(): Promise<void> {
    await Promise.all(nodes.map((node) => shutDown(node).catch(() => undefined)));
    await db?.end().catch(() => undefined);
    await redis?.close().catch(() => undefined);
    await postgres?.close().catch(() => undefined);
  }

  try {
    [postgres, redis] = await Promise.all([startPostgresCluster(), startRedisServer()]);
    log(`postgres on port ${postgres.port}, redis on port ${redis.port}, node logs in ${logDir}`);
    const admin = new pg.Client({ connectionString: postgres.url });
    admin.on('error', () => undefined);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
    await admin.end();
    const databaseUrl = postgres.urlOf(DATABASE_NAME);
    await migrate(databaseUrl);
    db = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 3_000 });
    // Its connections die with every Postgres fault on purpose; a query then fails, nothing more.
    db.on('error', () => undefined);
    await installTriggers(db);

    for (const id of ['node-a', 'node-b']) {
      nodes.push(
        createGatewayNode({
          id,
          env: { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, ...NODE_ENV },
          logFile: join(logDir, `${id}.log`),
          onExit: (exit) => exits.push(exit),
        }),
      );
    }
    // One after the other: the first finds the migrations applied, the second too, without a wait.
    for (const node of nodes) await node.start();
    log(`gateways: ${nodes.map((n) => `${n.id} ${n.origin}`).join(', ')}`);
    const router = createRouter(nodes);
    const pair = nodes as unknown as [GatewayNode, GatewayNode];
    return {
      postgres,
      redis,
      nodes: pair,
      router,
      db,
      databaseUrl,
      exits,
      logDir,
      async ensureNodesRunning() {
        for (const [index, node] of nodes.entries()) {
          if (!node.running) {
            await node.start();
            log(`${node.id} restarted at ${node.origin}`);
          }
          router.restore(index);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
