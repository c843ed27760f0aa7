import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createDb, createMessageWriter, migrate, startEmbeddedPostgres } from '@parley/db';
import { createHub, createInProcessBus } from '@parley/realtime';
import { CLOSE_CODES } from '@parley/protocol';
import { buildApp } from './app.ts';
import { defaultOrigins, type Config } from './config.ts';
import type { GatewayDeps } from './deps.ts';
import { createApiEvents } from './events.ts';
import { createMetrics } from './http/metrics.ts';
import { registerWeb } from './http/web.ts';

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  deps: GatewayDeps;
  /** Tells clients to reconnect (1012), drains the writer, then stops everything it started. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  helloTimeoutMs?: number;
}

/** Starts one gateway node: database (embedded unless configured), migrations, hub, HTTP. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'postgres') });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.databaseUrl;
      logger.info({ dataDir: config.dataDir }, 'embedded Postgres started');
    }
    const { applied } = await migrate(databaseUrl);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');

    const db = createDb({ databaseUrl });
    cleanups.push(() => db.close());
    const writer = createMessageWriter(db);
    cleanups.push(() => writer.close());
    const bus = createInProcessBus({ logger });
    cleanups.push(() => bus.close());
    const hub = createHub({ bus, logger });
    cleanups.push(() => hub.close());
    const deps: GatewayDeps = { db, writer, hub, logger, metrics: createMetrics({ hub, writer }) };

    let shuttingDown = false;
    const allowedOrigins = new Set<string>();
    const app = await buildApp({
      deps,
      events: createApiEvents(hub),
      allowedOrigins,
      secureCookies: config.publicUrl?.startsWith('https:') ?? false,
      sessionTtlMs: config.sessionTtlMs,
      helloTimeoutMs: options.helloTimeoutMs,
      isShuttingDown: () => shuttingDown,
    });
    cleanups.push(() => app.close());
    if (config.serveWeb) cleanups.push(await registerWeb(app, config.webDir));
    // Last registered, first run: sockets hear "restart, reconnect" before anything stops.
    cleanups.push(async () => {
      shuttingDown = true;
      hub.closeAll(CLOSE_CODES.service_restart.code, 'service_restart');
    });

    await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as AddressInfo).port;
    for (const origin of defaultOrigins(config, port)) allowedOrigins.add(origin);
    const url = config.publicUrl ?? `http://localhost:${port}`;
    return { url, port, app, deps, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
