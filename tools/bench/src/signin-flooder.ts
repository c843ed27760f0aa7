import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Alongside } from './load.ts';
import { summarize, type LatencySummary } from './stats.ts';
import type { RunningServer } from './target.ts';

/** What the sign-ins of one run got back over the measured window, by HTTP status. */
export interface SignInCounts {
  /** Answers received in the window. */
  answers: number;
  /** From the start of the measured window to the flood's stop, s. */
  windowS: number;
  /** HTTP status (or network error code) → answers: 401 wrong password, 429 throttled, 503 queue full. */
  byStatus: Record<string, number>;
  /** Request → answer, ms. */
  latency: LatencySummary;
}

export interface SignInFlooderOptions {
  /** Sign-ins in flight at once, each in its own loop: the next starts when the last is answered. */
  concurrency: number;
  /** Accounts with a real password, made once (over HTTP) and reused by later runs on the same database. */
  accounts: FloodAccounts;
}

/** One in this many attempts names a handle that does not exist (the gateway burns a verify on it too). */
const UNKNOWN_HANDLE_EVERY = 4;
const WRONG_PASSWORD = 'not the password';
const ACCOUNTS = 6;
const NETWORK_ERROR_PAUSE_MS = 100;

/**
 * The accounts the flood guesses at. Signed up over HTTP (`auth.signUp`), so each has a real
 * argon2 hash: the benchmark's seeded users have a placeholder instead, which `verify` rejects
 * without hashing, and a flood on them would never reach argon2.
 */
export class FloodAccounts {
  private handles: string[] = [];
  private readonly tag = randomBytes(3).toString('hex');

  async ensure(origin: string, port: number): Promise<readonly string[]> {
    if (this.handles.length > 0) return this.handles;
    const handles = Array.from({ length: ACCOUNTS }, (_, k) => `flood_${this.tag}_${k}`);
    // One at a time: together they could find a small password queue full.
    for (const handle of handles) {
      const body = JSON.stringify({ handle, displayName: handle, password: `${this.tag} right password` });
      const { status } = await post(port, origin, '/trpc/auth.signUp', body, undefined);
      if (status !== '200') throw new Error(`signing up flood account ${handle}: HTTP ${status}`);
    }
    this.handles = handles;
    return handles;
  }
}

function post(port: number, origin: string, path: string, body: string, agent: Agent | undefined): Promise<{ status: string }> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-parley-csrf': '1', origin };
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent }, (res) => {
      // Read the body to its end, so the keep-alive socket can carry the next attempt.
      res.resume();
      res.once('end', () => resolve({ status: String(res.statusCode) }));
      res.once('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? 'error' }));
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? 'error' }));
    req.end(body);
  });
}

/**
 * Wrong sign-ins (`auth.signIn`, with the CSRF header and Origin a browser sends), `concurrency`
 * at a time on keep-alive sockets, from `start` until `stop`: an attacker who guesses as fast
 * as the server answers. Counts the answers of the measured window by status.
 */
export class SignInFlooder implements Alongside {
  private agent: Agent | undefined;
  private loops: Array<Promise<void>> = [];
  private stopping = false;
  private windowFrom = Number.POSITIVE_INFINITY;
  private stoppedAt = Number.NaN;
  private readonly byStatus: Record<string, number> = {};
  private readonly latencies: number[] = [];

  constructor(private readonly options: SignInFlooderOptions) {}

  async start(server: RunningServer): Promise<void> {
    const port = server.ports[0];
    if (port === undefined) throw new Error('the flood needs a server port');
    const origin = `http://127.0.0.1:${port}`;
    const handles = await this.options.accounts.ensure(origin, port);
    const agent = new Agent({ keepAlive: true, maxSockets: this.options.concurrency });
    this.agent = agent;
    let attempt = 0;
    this.loops = Array.from({ length: this.options.concurrency }, async () => {
      while (!this.stopping) {
        const i = attempt++;
        const handle = i % UNKNOWN_HANDLE_EVERY === 0 ? `nobody_${randomBytes(4).toString('hex')}` : (handles[i % handles.length] ?? '');
        const sentAt = performance.now();
        const { status } = await post(port, origin, '/trpc/auth.signIn', JSON.stringify({ handle, password: WRONG_PASSWORD }), agent);
        const answeredAt = performance.now();
        if (this.stopping) break;
        if (answeredAt >= this.windowFrom) {
          this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
          this.latencies.push(answeredAt - sentAt);
        }
        // A network error comes back at once: pause rather than spin the generator's core.
        if (!/^\d+$/.test(status)) await new Promise((r) => setTimeout(r, NETWORK_ERROR_PAUSE_MS));
      }
    });
  }

  measureFrom(timeMs: number): void {
    this.windowFrom = timeMs;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stoppedAt = performance.now();
    // Attempts still queued at the server are cut off, not waited for (they are not counted).
    this.agent?.destroy();
    await Promise.all(this.loops);
  }

  counts(): SignInCounts {
    return {
      answers: this.latencies.length,
      windowS: (this.stoppedAt - this.windowFrom) / 1000,
      byStatus: { ...this.byStatus },
      latency: summarize(this.latencies),
    };
  }
}
