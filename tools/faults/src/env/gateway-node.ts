// One gateway node as a real process (`apps/gateway/src/main.ts`, as `npm start` runs it), which
// the suite may kill -9, stop with SIGTERM and start again. Every exit is recorded, planned or
// not: "no node process exited except those killed on purpose" is one of the checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const GATEWAY_MAIN = join(ROOT, 'apps/gateway/src/main.ts');
const READY_PATTERN = /Parley is running at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 120_000;
/** A SIGTERM'd node that has not exited after this long is a finding (and gets SIGKILL). */
const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 6_000;

export interface NodeExit {
  nodeId: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  /** The suite killed or stopped it on purpose. */
  planned: boolean;
}

export interface GatewayNode {
  readonly id: string;
  /** `http://127.0.0.1:<port>` of the running process; changes on every start. */
  readonly origin: string;
  readonly wsUrl: string;
  readonly running: boolean;
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** SIGKILL, as a crashed machine: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM: the node tells its sockets 1012 and drains. Resolves when it has exited. */
  terminate(): Promise<NodeExit>;
  /** The last lines the node printed (its log), for failure messages. */
  tail(): string;
}

export interface GatewayNodeOptions {
  id: string;
  env: Record<string, string>;
  /** Every node log line is appended here. */
  logFile: string;
  onExit(exit: NodeExit): void;
}

export function createGatewayNode(options: GatewayNodeOptions): GatewayNode {
  let child: ChildProcess | undefined;
  let origin = '';
  let planned = false;
  let tail = '';
  const log: WriteStream = createWriteStream(options.logFile, { flags: 'a' });
  log.on('error', () => undefined); // a log we cannot write is not worth failing the run for
  let exited: Promise<NodeExit> = Promise.resolve({ nodeId: options.id, pid: 0, code: 0, signal: null, at: 0, planned: true });

  const record = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-LOG_TAIL_CHARS);
    log.write(text);
  };

  function start(): Promise<void> {
    if (child !== undefined) throw new Error(`${options.id} is already running`);
    planned = false;
    log.write(`\n--- ${new Date().toISOString()} starting ${options.id}\n`);
    // `node --import tsx` keeps the gateway in ONE process (the tsx CLI would fork a child),
    // so a SIGKILL really kills the node rather than orphaning it.
    const proc = spawn(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.base.json'),
        NODE_ENV: 'production',
        PORT: '0',
        HOST: '127.0.0.1',
        SERVE_WEB: 'false',
        // Tests sign up many users from one address: per-address limits out of the way (their own test sets them).
        SIGN_UP_PER_IP: '100000',
        SIGN_IN_PER_IP: '100000',
        LOG_LEVEL: 'warn',
        NODE_ID: options.id,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const pid = proc.pid ?? -1;
    proc.stdout?.on('data', record);
    proc.stderr?.on('data', record);
    exited = new Promise<NodeExit>((resolveExit) => {
      proc.once('exit', (code, signal) => {
        if (child === proc) child = undefined;
        const exit: NodeExit = { nodeId: options.id, pid, code, signal, at: Date.now(), planned };
        log.write(`--- ${new Date().toISOString()} ${options.id} exited (${signal ?? code})${planned ? '' : ' UNPLANNED'}\n`);
        options.onExit(exit);
        resolveExit(exit);
      });
    });
    let output = '';
    return new Promise((resolveStart, reject) => {
      const timer = setTimeout(() => {
        planned = true;
        proc.kill('SIGKILL');
        reject(new Error(`${options.id} did not start within ${START_TIMEOUT_MS} ms:\n${tail}`));
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = READY_PATTERN.exec(output);
        if (!match?.[1]) return;
        clearTimeout(timer);
        proc.stdout?.off('data', onData);
        origin = `http://127.0.0.1:${new URL(match[1]).port}`;
        resolveStart();
      };
      proc.stdout?.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.id} exited (${signal ?? code}) before it was ready:\n${tail}`));
      });
    });
  }

  return {
    id: options.id,
    get origin() {
      return origin;
    },
    get wsUrl() {
      return `${origin.replace(/^http/, 'ws')}/ws`;
    },
    get running() {
      return child !== undefined;
    },
    get pid() {
      return child?.pid;
    },
    start,
    async kill9() {
      if (child === undefined) return;
      planned = true;
      child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      if (child === undefined) return exited;
      planned = true;
      const proc = child;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => {
        log.write(`--- ${options.id} still running ${STOP_TIMEOUT_MS} ms after SIGTERM: SIGKILL\n`);
        proc.kill('SIGKILL');
      }, STOP_TIMEOUT_MS);
      const exit = await exited;
      clearTimeout(killer);
      return exit;
    },
    tail: () => tail,
  };
}

/** Stops a node at the end of a run: its exit is planned. */
export async function shutDown(node: GatewayNode): Promise<void> {
  if (node.running) await node.terminate();
}
