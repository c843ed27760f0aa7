import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  pid: number;
  /** The first capture group of the ready pattern (e.g. a port or a URL). */
  ready: string;
  stop(): Promise<void>;
}

/** Starts a server process and resolves once its output matches `readyPattern`. */
export function startChild(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; readyPattern: RegExp; timeoutMs?: number; cwd?: string },
): Promise<Child> {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not start:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.readyPattern.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        process: child,
        pid: child.pid ?? -1,
        ready: match[1] ?? '',
        async stop() {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** `node --import tsx <file>` with the workspace's path aliases, in one process (no tsx fork). */
export function tsNode(file: string): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', file]];
}
