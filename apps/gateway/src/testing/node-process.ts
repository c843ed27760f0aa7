import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const READY_PATTERN = /Parley is running at (http:\/\/\S+)/;
const OUTPUT_LIMIT = 1 << 20;

export interface NodeProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the node wrote to stdout and stderr so far (its last 1 MiB): shown when a test fails. */
  output(): string;
  /** SIGKILL: no shutdown code runs, like a crashed machine. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** The production build's entry (`nx run gateway:build`). */
export const BUILT_GATEWAY = resolve(ROOT, 'dist/apps/gateway/main.js');

/**
 * Starts a real gateway process (`main.ts`, as `npm start` does), for multi-node tests; with
 * `built`, the production build instead (plain JavaScript, no tsx).
 */
export function startNodeProcess(env: Record<string, string>, startTimeoutMs = 60_000, options: { built?: boolean } = {}): Promise<NodeProcess> {
  // `node --import tsx` keeps the gateway in ONE process (the tsx CLI would fork a child),
  // so SIGKILL really kills the node rather than orphaning it.
  const entry = options.built ? ['--enable-source-maps', BUILT_GATEWAY] : ['--import', 'tsx', resolve(ROOT, 'apps/gateway/src/main.ts')];
  const child = spawn(
    process.execPath,
    // PARLEY_TEST_NODE_ARGS: extra node flags for a by-hand run, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    [...(process.env.PARLEY_TEST_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...entry],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        TSX_TSCONFIG_PATH: resolve(ROOT, 'tsconfig.base.json'),
        NODE_ENV: 'production',
        PORT: '0',
        SERVE_WEB: 'false',
        // Tests sign up many users from one address: per-address limits out of the way (their own test sets them).
        SIGN_UP_PER_IP: '100000',
        SIGN_IN_PER_IP: '100000',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let output = '';
  // Kept after ready too, so a failing test can say what the node logged; bounded for long runs.
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start in ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const onData = () => {
      const match = READY_PATTERN.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      const url = match[1];
      resolveStart({
        url,
        port: Number(new URL(url).port),
        process: child,
        output: () => output,
        async kill9() {
          child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', append);
    child.stdout?.on('data', onData);
    if (process.env.PARLEY_TEST_NODE_LOGS) child.stdout?.on('data', (c: Buffer) => process.stderr.write(c));
    if (process.env.PARLEY_TEST_NODE_LOGS) child.stderr?.on('data', (c: Buffer) => process.stderr.write(c));
    child.stderr?.on('data', append);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before it was ready:\n${output}`));
    });
  });
}
