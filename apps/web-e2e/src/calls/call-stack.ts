import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createTestDatabase } from '@parley/db/testing';
import { loadConfig, startServer, type RunningServer } from '@parley/gateway';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');

export interface CallStack {
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/**
 * The product as `npm start` runs it on a fresh database, with extra env for call tests
 * (e.g. a short CALL_RING_TIMEOUT_MS so "missed" happens in seconds). No TURN: on loopback
 * `calls.iceServers` returns an empty list and host candidates connect.
 */
export async function startCallStack(env: Record<string, string> = {}): Promise<CallStack> {
  const database = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: database.databaseUrl,
    WEB_DIR,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer(config, { logger: pino({ level: 'warn' }) });
  return {
    server,
    url: server.url,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
