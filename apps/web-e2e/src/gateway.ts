import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createTestDatabase } from '@parley/db/testing';
import { loadConfig, startServer, type RunningServer, type StartOptions } from '@parley/gateway';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

export interface E2eStack {
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/** The whole product as `npm start` runs it (gateway serving the built UI) on a fresh database. */
export async function startStack(env: Record<string, string> = {}, options: Pick<StartOptions, 'pushAgent'> = {}): Promise<E2eStack> {
  const database = await createTestDatabase();
  // Uploaded files of this stack only, removed with it.
  const filesDir = await mkdtemp(join(tmpdir(), 'parley-e2e-files-'));
  const config = loadConfig({
    PORT: '0',
    FILES_DIR: filesDir,
    DATABASE_URL: database.databaseUrl,
    WEB_DIR,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer(config, { logger: pino({ level: 'warn' }), ...options });
  return {
    server,
    url: server.url,
    async close() {
      await server.close();
      await database.drop();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}
