import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from 'node:https';
import { pino, type Logger } from 'pino';
import type { HelloFrame } from '@parley/protocol';
import { createTestDatabase } from '@parley/db/testing';
import { signUpUser, trpcCall, type TestUser, type TrpcCallOptions, type TrpcResponse } from './http-client.ts';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { openReadySocket, type TestSocket } from './ws-client.ts';

export type { TestUser };

export interface Harness {
  server: RunningServer;
  databaseUrl: string;
  origin: string;
  wsUrl: string;
  /** Starts (or restarts) the gateway on the same database. */
  restart(): Promise<void>;
  trpc<T = unknown>(path: string, input?: unknown, options?: TrpcCallOptions): Promise<TrpcResponse<T>>;
  signUp(handle: string, displayName?: string): Promise<TestUser>;
  connect(user: TestUser, options?: { presence?: HelloFrame['presence'] }): Promise<TestSocket>;
  /** Closes every socket opened so far and waits until the server saw them go. */
  closeSockets(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  helloTimeoutMs?: number;
  env?: Record<string, string>;
  /** A migrated database the caller owns (fault tests: on their own cluster); else a fresh one. */
  databaseUrl?: string;
  logger?: Logger;
  /** TLS agent for pushes (trusts a local push service's certificate). */
  pushAgent?: Agent;
}

/** A gateway on its own fresh database, without the web UI. One per test file. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.databaseUrl === undefined ? await createTestDatabase() : { databaseUrl: options.databaseUrl, drop: async () => undefined };
  // Uploaded files of this harness only, removed with it.
  const filesDir = await mkdtemp(join(tmpdir(), 'parley-files-'));
  const config = loadConfig({
    FILES_DIR: filesDir,
    PORT: '0',
    DATABASE_URL: database.databaseUrl,
    SERVE_WEB: 'false',
    // Tests sign up many users from one address: per-address limits out of the way (their own test sets them).
    SIGN_UP_PER_IP: '100000',
    SIGN_IN_PER_IP: '100000',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const logger = options.logger ?? pino({ level: 'silent' });
  const sockets: TestSocket[] = [];
  let server = await startServer(config, { logger, helloTimeoutMs: options.helloTimeoutMs, ...(options.pushAgent ? { pushAgent: options.pushAgent } : {}) });

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
      server = await startServer(config, { logger, helloTimeoutMs: options.helloTimeoutMs, ...(options.pushAgent ? { pushAgent: options.pushAgent } : {}) });
    },
    trpc: (path, input, opts) => trpcCall(harness.origin, path, input, opts),
    signUp: (handle, displayName) => signUpUser(harness.origin, handle, displayName),
    async connect(user, options = {}) {
      const socket = await openReadySocket(harness.wsUrl, { cookie: user.cookie, origin: harness.origin, ...options });
      sockets.push(socket);
      return socket;
    },
    async closeSockets() {
      const open = sockets.splice(0);
      for (const socket of open) socket.close();
      await Promise.all(open.map((socket) => socket.closed));
    },
    async close() {
      for (const socket of sockets) socket.close();
      await server.close();
      await database.drop();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
  return harness;
}
