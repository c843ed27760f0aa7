import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { openSocket } from './client-socket.ts';
import { decodePayload, dueOfClientId, type DecodedPayload } from './payload.ts';
import type { RunningServer } from './target.ts';

/** Where a measured load sends what the sockets receive. */
export interface DeliverySink {
  delivery(receiver: number, sender: number, n: number, dueMicros: number, nowMs: number): void;
  ack(dueMicros: number, nowMs: number): void;
}

export interface ConnectOutcome {
  clients: number;
  /** From the first socket opened to the last one ready (ws: open; Socket.IO: namespace joined; Parley: hello_ok), ms. */
  readyMs: number;
  /** From the first socket opened to the last frame before 500 ms of quiet (Parley: presence), ms. */
  settledMs: number;
  /** Frames the clients received while connecting and settling. */
  frames: number;
  /** Attempts that failed (and were retried), by reason. */
  failures: Record<string, number>;
}

export interface StormCounts {
  /** Connection attempts since the storm began. */
  attempts: number;
  /** Failed attempts, by reason, before / after the new server was listening. */
  failuresBeforeUp: Record<string, number>;
  failuresAfterUp: Record<string, number>;
}

type Phase = 'connecting' | 'live' | 'storm' | 'closing';

/** A failed connect is retried like a real client would (the storm's backoff), this many times. */
const CONNECT_RETRIES = 8;
const QUIET_MS = 500;
const SETTLE_CAP_MS = 60_000;
const CLOSE_WAIT_MS = 5_000;
/** PROTOCOL.md §3 rule 7: random(0, min(10 s, 250 ms × 2^attempt)). */
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 10_000;
const ERROR_SAMPLES_KEPT = 10;

const backoffMs = (attempt: number) => Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

/**
 * The clients of one server start: one raw socket per client of the population, all in this
 * process. It connects them, hands measured deliveries to a sink, and in a reconnect storm
 * reconnects each closed socket with the protocol's backoff and jitter.
 */
export class Fleet {
  readonly size: number;
  private server: RunningServer;
  private readonly sockets: Array<WebSocket | undefined>;
  private readonly isReady: Uint8Array;
  private readonly attempt: Uint16Array;
  /** When each socket's current attempt began: a failure counts after the server was up only if it began after. */
  private readonly attemptAt: Float64Array;
  private readonly decoded: DecodedPayload = { sender: 0, n: 0, dueMicros: 0 };
  private phase: Phase = 'connecting';
  private readyCount = 0;
  private lastFrameAt = 0;
  private frames = 0;
  private progress: (() => void) | undefined;
  private connectFailures: Record<string, number> = {};
  private retries: Uint8Array;
  private storm: StormCounts = { attempts: 0, failuresBeforeUp: {}, failuresAfterUp: {} };
  private serverUpAt = Number.POSITIVE_INFINITY;
  sink: DeliverySink | undefined;
  /** Problems while live: error frames, unexpected closes. A clean run has none. */
  errorCount = 0;
  readonly errorSamples: string[] = [];

  constructor(server: RunningServer, size: number) {
    this.server = server;
    this.size = size;
    this.sockets = new Array<WebSocket | undefined>(size);
    this.isReady = new Uint8Array(size);
    this.attempt = new Uint16Array(size);
    this.attemptAt = new Float64Array(size);
    this.retries = new Uint8Array(size);
  }

  get ready(): number {
    return this.readyCount;
  }

  /** Opens every socket, at most `concurrency` handshakes at a time, and waits for quiet. */
  async connectAll(concurrency: number): Promise<ConnectOutcome> {
    const startedAt = performance.now();
    this.frames = 0;
    let next = 0;
    let inFlight = 0;
    const retry: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        while (inFlight < concurrency && (retry.length > 0 || next < this.size)) {
          inFlight += 1;
          this.open(retry.shift() ?? next++);
        }
      };
      this.progress = () => {
        inFlight -= 1;
        if (this.readyCount === this.size) return resolve();
        pump();
      };
      this.onConnectFailure = (index, reason, wasReady) => {
        if (!wasReady) inFlight -= 1;
        bump(this.connectFailures, reason);
        const tries = (this.retries[index] ?? 0) + 1;
        this.retries[index] = tries;
        if (tries > CONNECT_RETRIES) return reject(new Error(`client ${index} could not connect: ${reason}`));
        setTimeout(() => {
          retry.push(index);
          pump();
        }, backoffMs(tries - 1));
      };
      pump();
    });
    this.progress = undefined;
    const readyAt = performance.now();
    this.phase = 'live';
    // Connecting can set off more traffic (Parley: presence to every contact): wait for it to end.
    while (performance.now() - this.lastFrameAt < QUIET_MS && performance.now() - readyAt < SETTLE_CAP_MS) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      clients: this.size,
      readyMs: readyAt - startedAt,
      settledMs: Math.max(readyAt, this.lastFrameAt) - startedAt,
      frames: this.frames,
      failures: this.connectFailures,
    };
  }

  send(index: number, frame: string): void {
    this.sockets[index]?.send(frame);
  }

  /** From now on every close is answered with a reconnect (backoff with full jitter). */
  beginStorm(): void {
    this.phase = 'storm';
    this.storm = { attempts: 0, failuresBeforeUp: {}, failuresAfterUp: {} };
    this.serverUpAt = Number.POSITIVE_INFINITY;
  }

  /** The restarted server: reconnects go to it, and later failures count as errors. */
  serverIsUp(server: RunningServer): void {
    this.server = server;
    this.serverUpAt = performance.now();
  }

  stormCounts(): StormCounts {
    return this.storm;
  }

  /** Resolves when every socket is ready again, with the time; or undefined after `timeoutMs`. */
  async waitAllReady(timeoutMs: number): Promise<number | undefined> {
    const until = performance.now() + timeoutMs;
    let lastReadyAt = performance.now();
    this.progress = () => (lastReadyAt = performance.now());
    while (this.readyCount < this.size && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    this.progress = undefined;
    return this.readyCount === this.size ? lastReadyAt : undefined;
  }

  async closeAll(): Promise<void> {
    this.phase = 'closing';
    const open = this.sockets.filter((s): s is WebSocket => s !== undefined && s.readyState !== s.CLOSED);
    await Promise.all(
      open.map(
        (socket) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              socket.terminate();
              resolve();
            }, CLOSE_WAIT_MS);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            if (socket.readyState === socket.CONNECTING) socket.terminate();
            else socket.close(1000);
          }),
      ),
    );
  }

  private onConnectFailure: (index: number, reason: string, wasReady: boolean) => void = () => undefined;

  private problem(text: string): void {
    this.errorCount += 1;
    if (this.errorSamples.length < ERROR_SAMPLES_KEPT) this.errorSamples.push(text.slice(0, 300));
  }

  private open(index: number): void {
    if (this.phase === 'storm') this.storm.attempts += 1;
    this.attemptAt[index] = performance.now();
    const socket = openSocket(this.server.client(index), {
      ready: () => {
        if (this.isReady[index]) return;
        this.isReady[index] = 1;
        this.attempt[index] = 0;
        this.readyCount += 1;
        this.progress?.();
      },
      payload: (payload) => {
        const sink = this.sink;
        if (!sink || !decodePayload(payload, this.decoded)) return;
        // Parley echoes a message to its sender's sockets too; that is not a delivery.
        if (this.decoded.sender === index) return;
        sink.delivery(index, this.decoded.sender, this.decoded.n, this.decoded.dueMicros, performance.now());
      },
      ack: (clientId) => this.sink?.ack(dueOfClientId(clientId), performance.now()),
      error: (text) => this.problem(`client ${index}: ${text}`),
      frame: () => {
        this.frames += 1;
        this.lastFrameAt = performance.now();
      },
      closed: (code, reason) => this.onClosed(index, socket, code, reason),
    });
    this.sockets[index] = socket;
  }

  private onClosed(index: number, socket: WebSocket, code: number, reason: string): void {
    if (this.sockets[index] !== socket) return;
    const wasReady = this.isReady[index] === 1;
    if (wasReady) {
      this.isReady[index] = 0;
      this.readyCount -= 1;
    }
    const why = code === 0 ? reason.replace(/^connect /, '').replace(/ 127\.0\.0\.1:\d+$/, '') : `close ${code}${reason ? ` ${reason}` : ''}`;
    switch (this.phase) {
      case 'closing':
        return;
      case 'connecting':
        this.sockets[index] = undefined;
        // A socket that was ready and is closed again goes back in the queue like a failed attempt.
        return this.onConnectFailure(index, why, wasReady);
      case 'live':
        return this.problem(`client ${index} closed: ${why}`);
      case 'storm': {
        // A socket that was live and is told to go (1012) is not a failed attempt; anything else is.
        if (!wasReady) bump((this.attemptAt[index] ?? 0) < this.serverUpAt ? this.storm.failuresBeforeUp : this.storm.failuresAfterUp, why);
        const attempt = this.attempt[index] ?? 0;
        this.attempt[index] = Math.min(attempt + 1, 16);
        const delay = backoffMs(attempt);
        setTimeout(() => {
          if (this.phase === 'storm') this.open(index);
        }, delay);
        return;
      }
    }
  }
}
