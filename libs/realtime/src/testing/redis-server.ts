// A redis-server of a test's own, on a spare port, that the test may freeze, kill and restart.
// Fault tests use it so they never disturb the shared Redis other tests use.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReaper } from './reaper.ts';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`; stays the same across restart(). */
  readonly url: string;
  readonly port: number;
  /** The server's working folder (a temp folder removed by close()). */
  readonly dataDir: string;
  /** SIGSTOP: connections stay open and nothing is answered (a hung or partitioned server). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGKILL; resolves once the process is gone and the port is closed. */
  kill(): Promise<void>;
  /** Starts a fresh server (empty: no persistence) on the same port; kills the running one first. */
  restart(): Promise<void>;
  /** Kills the server and deletes its folder. Idempotent. */
  close(): Promise<void>;
}

export interface RedisServerOptions {
  /** The executable; `redis-server` on PATH by default. */
  binary?: string;
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const READY_PATTERN = /Ready to accept connections/;
const LOG_TAIL_CHARS = 4000;

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server';
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const dir = await mkdtemp(join(tmpdir(), 'parley-fault-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let closed = false;
  // Kills the server and deletes the folder if this process ends without close().
  const reaper = startReaper(dir);

  async function start(): Promise<void> {
    if (closed) throw new Error('redis server is closed');
    const server = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child = server;
    if (server.pid !== undefined) reaper.watch('redis', server.pid);
    server.once('exit', () => reaper.forget('redis'));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        server.kill('SIGKILL');
        reject(new Error(`redis-server did not start within ${timeoutMs} ms on port ${port}:\n${output}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-LOG_TAIL_CHARS);
        if (!READY_PATTERN.test(output)) return;
        clearTimeout(timer);
        server.stdout?.off('data', onData);
        resolve();
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-LOG_TAIL_CHARS)));
      server.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (child === server) child = undefined;
        const hint = error.code === 'ENOENT' ? ` (is ${binary} installed and on PATH? apt-get install redis-server)` : '';
        reject(new Error(`could not run ${binary}: ${error.message}${hint}`));
      });
      server.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (child === server) child = undefined;
        reject(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${output}`));
      });
    });
    // Keep draining its output so a chatty server never blocks on a full pipe.
    server.stdout?.resume();
  }

  async function kill(): Promise<void> {
    const server = child;
    if (server === undefined) return;
    child = undefined;
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGKILL');
    await exited;
  }

  function signal(name: 'SIGSTOP' | 'SIGCONT'): void {
    if (child === undefined) throw new Error(`redis-server is not running (${name})`);
    child.kill(name);
  }

  try {
    await start();
  } catch (error) {
    reaper.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dataDir: dir,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    kill,
    async restart() {
      await kill();
      await start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
      reaper.stop();
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
