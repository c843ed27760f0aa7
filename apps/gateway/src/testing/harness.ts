import { pino } from 'pino';
import { createTestDatabase } from '@parley/db/testing';
import type { PublicUser } from '@parley/protocol';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { openReadySocket, type TestSocket } from './ws-client.ts';

export interface TestUser {
  user: PublicUser;
  cookie: string;
}

export interface TrpcCallOptions {
  cookie?: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
}

export interface TrpcResponse<T> {
  status: number;
  data: T | undefined;
  error: { message: string; data: { code: string; httpStatus: number; appCode?: string; fieldErrors?: Record<string, string[]> } } | undefined;
  setCookie: string | null;
}

export interface Harness {
  server: RunningServer;
  databaseUrl: string;
  origin: string;
  wsUrl: string;
  /** Starts (or restarts) the gateway on the same database. */
  restart(): Promise<void>;
  trpc<T = unknown>(path: string, input?: unknown, options?: TrpcCallOptions): Promise<TrpcResponse<T>>;
  signUp(handle: string, displayName?: string): Promise<TestUser>;
  connect(user: TestUser): Promise<TestSocket>;
  close(): Promise<void>;
}

/** A gateway on its own fresh database, without the web UI. One per test file. */
export async function startHarness(options: { helloTimeoutMs?: number } = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const config = loadConfig({ PORT: '0', DATABASE_URL: database.databaseUrl, SERVE_WEB: 'false', LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const sockets: TestSocket[] = [];
  let server = await startServer(config, { logger, helloTimeoutMs: options.helloTimeoutMs });

  const harness: Harness = {
    get server() {
      return server;
    },
    databaseUrl: database.databaseUrl,
    get origin() {
      return `http://localhost:${server.port}`;
    },
    get wsUrl() {
      return `ws://localhost:${server.port}/ws`;
    },
    async restart() {
      await server.close();
      server = await startServer(config, { logger, helloTimeoutMs: options.helloTimeoutMs });
    },
    async trpc(path, input, opts = {}) {
      const method = opts.method ?? 'POST';
      const base = `http://localhost:${server.port}/trpc/${path}`;
      const url = method === 'GET' && input !== undefined ? `${base}?input=${encodeURIComponent(JSON.stringify(input))}` : base;
      const response = await fetch(url, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-parley-csrf': '1',
          origin: harness.origin,
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...opts.headers,
        },
        body: method === 'POST' ? JSON.stringify(input ?? {}) : undefined,
      });
      const body = (await response.json()) as { result?: { data: unknown }; error?: TrpcResponse<unknown>['error'] };
      return {
        status: response.status,
        data: body.result?.data as never,
        error: body.error,
        setCookie: response.headers.get('set-cookie'),
      };
    },
    async signUp(handle, displayName = handle[0]!.toUpperCase() + handle.slice(1)) {
      const res = await harness.trpc<{ user: PublicUser }>('auth.signUp', { handle, displayName, password: 'correct horse battery' });
      if (!res.data || !res.setCookie) throw new Error(`sign-up failed: ${JSON.stringify(res.error)}`);
      return { user: res.data.user, cookie: res.setCookie.split(';')[0]! };
    },
    async connect(user) {
      const socket = await openReadySocket(harness.wsUrl, { cookie: user.cookie, origin: harness.origin });
      sockets.push(socket);
      return socket;
    },
    async close() {
      for (const socket of sockets) socket.close();
      await server.close();
      await database.drop();
    },
  };
  return harness;
}
