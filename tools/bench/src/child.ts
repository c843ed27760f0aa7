import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Output kept per child: enough for an error message, bounded so a chatty server cannot grow us. */
const OUTPUT_KEPT_CHARS = 64 * 1024;
const STOP_GRACE_MS = 15_000;

export interface Child {
  process: ChildProcess;
  pid: number;
  /** The first capture group of the ready pattern (e.g. a port or a URL). */
  ready: string;
  /** Resolves with the first output line, after this call, that matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** The last output, for error messages. */
  output(): string;
  /** True once the process has exited (on purpose or not). */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after 15 s; resolves when it has exited. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  env: NodeJS.ProcessEnv;
  readyPattern: RegExp;
  timeoutMs?: number;
  cwd?: string;
  /** CPU list for `taskset -c` (e.g. "1"): the process runs only there. */
  cpus?: string | undefined;
}

/** Starts a server process and resolves once its output matches `readyPattern`. */
export function startChild(command: string, args: string[], options: ChildOptions): Promise<Child> {
  const [file, argv] = options.cpus ? ['taskset', ['-c', options.cpus, command, ...args]] : [command, args];
  // The memory probe's heap snapshots (servers/gc-probe.mjs) are asked for by the bench's caller.
  const snapshots = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  const env = snapshots === undefined ? options.env : { ...options.env, BENCH_HEAP_SNAPSHOT_DIR: snapshots };
  const child = spawn(file, argv, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  let pending = '';
  const watchers = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-OUTPUT_KEPT_CHARS);
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) for (const watch of [...watchers]) watch(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`${command} ${args.join(' ')}: no output matching ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const watch = (line: string) => {
        const match = pattern.exec(line);
        if (!match) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolve(match);
      };
      watchers.add(watch);
    });

  return new Promise((resolve, reject) => {
    const onEarlyExit = (code: number | null) => reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`));
    child.once('exit', onEarlyExit);
    waitForOutput(options.readyPattern, options.timeoutMs ?? 60_000).then(
      (match) => {
        child.off('exit', onEarlyExit);
        resolve({
          process: child,
          pid: child.pid ?? -1,
          ready: match[1] ?? '',
          waitForOutput,
          output: () => output,
          exited: () => child.exitCode !== null || child.signalCode !== null,
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
            await exited;
            clearTimeout(killer);
          },
        });
      },
      (error: unknown) => {
        child.off('exit', onEarlyExit);
        child.kill('SIGKILL');
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface NodeArgs {
  /** Loads the memory probe (`servers/gc-probe.mjs`) with `--expose-gc`: see `memory.ts`. */
  gcProbe?: boolean;
  /** Writes a V8 CPU profile into this folder when the process stops. */
  profileDir?: string | undefined;
}

const GC_PROBE = fileURLToPath(new URL('./servers/gc-probe.mjs', import.meta.url));

function nodeFlags(options: NodeArgs): string[] {
  return [
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    ...(options.gcProbe ? ['--expose-gc', '--import', GC_PROBE] : []),
  ];
}

/** `node --import tsx <file>` with the workspace's path aliases, in one process (no tsx fork). */
export function tsNode(file: string, options: NodeArgs = {}): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', ...nodeFlags(options), file]];
}

/** `node <file>`: a built JavaScript program, as deployed. */
export function jsNode(file: string, options: NodeArgs = {}): [string, string[]] {
  return [process.execPath, [...nodeFlags(options), file]];
}
