import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { choosePostgresDir, createDb, createMessageWriter, migrate, startEmbeddedPostgres, warmDb } from '@parley/db';
import {
  createHub,
  createInProcessBus,
  createMemoryPresenceStore,
  createPresenceTracker,
  createRedisBus,
  createRedisPresenceStore,
  type Bus,
  type PresenceStore,
} from '@parley/realtime';
import { CLOSE_CODES } from '@parley/protocol';
import { Redis } from 'ioredis';
import { createPasswordQueue } from '@parley/api';
import { buildApp } from './app.ts';
import { defaultOrigins, type Config } from './config.ts';
import type { GatewayDeps } from './deps.ts';
import { createApiEvents } from './events.ts';
import { createMetrics } from './http/metrics.ts';
import { startMetricsListener } from './http/metrics-route.ts';
import { registerWeb } from './http/web.ts';
import { createPresenceAnnouncer } from './presence.ts';
import { createReadStateAnnouncer } from './read-states.ts';
import { createTypingAnnouncer } from './typing-updates.ts';
import { createCallService } from './calls/call-service.ts';
import { startAccessWatch } from './access/access-watch.ts';
import { createSessionActivity } from './access/session-activity.ts';
import { startSessionPurge } from './access/session-purge.ts';
import { createAdmission } from './ws/admission.ts';
import { createLiveness } from './ws/liveness.ts';
import { createBlobStore } from './files/create-blob-store.ts';
import { createFileIngest } from './files/ingest.ts';
import { createDirectUploads } from './files/direct-upload.ts';
import { startFileSweep } from './files/file-sweep.ts';
import { startPush } from './push/start-push.ts';
import { createActiveViews, noActiveViews } from './push/active-views.ts';
import type { Agent } from 'node:https';

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  deps: GatewayDeps;
  /** The port of the separate metrics listener (METRICS_PORT), when there is one. */
  metricsPort: number | undefined;
  /** Tells clients to reconnect (1012), drains the writer, then stops everything it started. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  helloTimeoutMs?: number;
  /** TLS agent for push requests (tests trust their local push service with it). */
  pushAgent?: Agent;
}

/** How long a signed direct-upload PUT is valid: enough for MAX_UPLOAD_BYTES on a slow link, short if it leaks. */
const DIRECT_UPLOAD_EXPIRY_SECONDS = 600;

/** Starts one gateway node: database (embedded unless configured), migrations, hub, HTTP. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const cluster = choosePostgresDir({ dataDir: config.dataDir, explicit: config.dataDirExplicit });
      const embedded = await startEmbeddedPostgres({ dataDir: cluster.dir });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.databaseUrl;
      logger.info(
        { dataDir: config.dataDir, postgresDir: cluster.dir },
        cluster.relocated
          ? `embedded Postgres started; its data is in ${cluster.dir} (the postgres user cannot enter ${config.dataDir})`
          : 'embedded Postgres started',
      );
    }
    const { applied } = await migrate(databaseUrl);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');

    const db = createDb({
      databaseUrl,
      poolMax: config.databasePoolSize,
      keepOpen: true,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      // One line per connection that dies (a few per outage, never one per request).
      onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost'),
    });
    cleanups.push(() => db.close());
    // The pool opened (and Prisma's first query made) before the node says it runs: after a
    // restart its sockets come back at once, and connections opened then are opened while
    // Postgres is busiest; the first readiness probe should not pay Prisma's start-up either.
    const warmed = await warmDb(db, config.databasePoolSize);
    if (warmed < config.databasePoolSize) logger.warn({ warmed, poolSize: config.databasePoolSize }, 'some database connections did not open at start; they open on first use');
    const writer = createMessageWriter(db);
    cleanups.push(() => writer.close());
    const { bus, store, health } = await connectScaleOut(config, logger);
    cleanups.push(() => bus.close());
    cleanups.push(() => store.close());
    const hub = createHub({ bus, logger });
    cleanups.push(() => hub.close());
    const access = await startAccessWatch({ db, hub, logger });
    cleanups.push(() => access.close());
    const purge = startSessionPurge({ db, logger, retentionMs: config.sessionRetentionMs });
    cleanups.push(() => purge.close());
    const sessionActivity = createSessionActivity({ db, logger });
    cleanups.push(() => sessionActivity.close());
    const presence = createPresenceTracker({
      store,
      nodeId: config.nodeId,
      graceMs: config.presenceGraceMs,
      ttlMs: config.presenceTtlMs,
      // Three heartbeats per TTL: one lost refresh never expires a live connection.
      heartbeatMs: Math.floor(config.presenceTtlMs / 3),
      logger,
      onChange: createPresenceAnnouncer({ db, hub, logger }),
    });
    cleanups.push(() => presence.close());
    const push = await startPush({ config: config.push, db, logger, ringTimeoutMs: config.ringTimeoutMs, agent: options.pushAgent });
    cleanups.push(() => push.close());
    const activeViews = config.push === null ? noActiveViews : createActiveViews({ db, nodeId: config.nodeId, logger });
    cleanups.push(() => activeViews.close());
    const calls = createCallService({
      db,
      hub,
      writer,
      logger,
      push,
      ringTimeoutMs: config.ringTimeoutMs,
      reconnectGraceMs: config.callReconnectGraceMs,
      // One notion of "this node went silent": its users go offline and its call seats free up together.
      seatLeaseMs: config.presenceTtlMs,
    });
    cleanups.push(() => calls.close());
    const admission = createAdmission({ concurrency: config.helloConcurrency, maxWaitMs: config.helloQueueMaxWaitMs });
    const liveness = createLiveness();
    cleanups.push(async () => liveness.close());
    const metrics = createMetrics({ hub, writer, admission, liveness, push });
    const blobs = createBlobStore(config.files.storage);
    cleanups.push(async () => blobs.close());
    await blobs.check();
    const sweep = startFileSweep({
      db,
      store: blobs,
      logger,
      orphanAfterMs: config.files.orphanAfterMs,
      intervalMs: config.files.sweepIntervalMs,
      tmpDir: config.files.tmpDir,
    });
    cleanups.push(() => sweep.close());
    const ingest = createFileIngest({ db, store: blobs, tmpDir: config.files.tmpDir, maxUploadBytes: config.files.maxUploadBytes });
    const files = {
      store: blobs,
      sweep,
      ingest,
      direct: createDirectUploads({ db, store: blobs, ingest, maxUploadBytes: config.files.maxUploadBytes, expiresInSeconds: DIRECT_UPLOAD_EXPIRY_SECONDS }),
      maxUploadBytes: config.files.maxUploadBytes,
    };
    const readStates = createReadStateAnnouncer({ publish: (conversationId, frame) => hub.publishToConversation(conversationId, frame) });
    cleanups.push(async () => readStates.close());
    const typingUpdates = createTypingAnnouncer({ publish: (conversationId, frame) => hub.publishToConversation(conversationId, frame) });
    cleanups.push(async () => typingUpdates.close());
    const deps: GatewayDeps = {
      db, writer, hub, presence, calls, logger, admission, liveness, metrics, caps: config.caps, sessionActivity, files, push, activeViews, readStates, typingUpdates,
    };

    let shuttingDown = false;
    const allowedOrigins = new Set<string>();
    const app = await buildApp({
      deps,
      events: createApiEvents({ db, hub, presence, logger, push }),
      allowedOrigins,
      secureCookies: config.publicUrl?.startsWith('https:') ?? false,
      sessionTtlMs: config.sessionTtlMs,
      ice: config.ice,
      passwords: createPasswordQueue(config.passwordHashing),
      limits: config.limits,
      rateLimitRedis: await rateLimitStore(config, logger, cleanups),
      trustProxy: config.trustProxy,
      metricsAccess: config.metrics,
      helloTimeoutMs: options.helloTimeoutMs,
      isShuttingDown: () => shuttingDown,
      busHealthy: health,
    });
    cleanups.push(() => app.close());
    if (config.serveWeb) cleanups.push(await registerWeb(app, config.webDir));
    // Last registered, first run: sockets hear "restart, reconnect" before anything stops.
    cleanups.push(async () => {
      shuttingDown = true;
      hub.closeAll(CLOSE_CODES.service_restart.code, 'service_restart');
    });

    // A long accept queue: after a restart thousands of clients reconnect at once, and a full
    // queue resets connections (Node's default is 511; the kernel caps it at somaxconn).
    await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
    const port = (app.server.address() as AddressInfo).port;
    const metricsListener = await startMetricsListener(deps.metrics, config.metrics);
    if (metricsListener) {
      cleanups.push(metricsListener.close);
      logger.info({ port: metricsListener.port, host: config.metrics.listen?.host }, 'metrics listener started');
    }
    for (const origin of defaultOrigins(config, port)) allowedOrigins.add(origin);
    const url = config.publicUrl ?? `http://localhost:${port}`;
    return { url, port, app, deps, metricsPort: metricsListener?.port, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * One node: in-process bus and in-memory presence. Many nodes (REDIS_URL): both in Redis.
 * A Redis that is down at start is not fatal: /readyz reports it and the bus recovers by itself.
 */
async function connectScaleOut(
  config: Config,
  logger: Logger,
): Promise<{ bus: Bus; store: PresenceStore; health: () => boolean }> {
  if (!config.redisUrl) {
    return { bus: createInProcessBus({ logger }), store: createMemoryPresenceStore(), health: () => true };
  }
  const bus = createRedisBus({ url: config.redisUrl, logger, connectionName: `parley-${config.nodeId}` });
  await bus.waitUntilHealthy(REDIS_START_TIMEOUT_MS).catch(() => logger.error('Redis not reachable yet; /readyz stays 503 until it is'));
  const store = createRedisPresenceStore({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger });
  return { bus, store, health: () => bus.health().ok };
}

const REDIS_START_TIMEOUT_MS = 5000;
const THROTTLE_COMMAND_TIMEOUT_MS = 1000;

/**
 * With Redis, sign-in and sign-up attempts are counted across nodes. Its own connection, which
 * fails fast instead of queueing or hanging (the throttle then counts on this node alone, see
 * http/throttle.ts) and never throws into the process.
 */
async function rateLimitStore(config: Config, logger: Logger, cleanups: Array<() => Promise<void>>): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = new Redis(config.redisUrl, {
    connectionName: `parley-${config.nodeId}:throttle`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A Redis that hangs must not hang sign-in: past this the attempt is counted locally.
    commandTimeout: THROTTLE_COMMAND_TIMEOUT_MS,
    lazyConnect: true,
  });
  // Once per outage: ioredis reports every failed reconnect attempt.
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'throttle store (Redis) error');
  });
  redis.on('ready', () => {
    if (down) logger.info('throttle store (Redis) recovered');
    down = false;
  });
  await redis.connect().catch(() => logger.warn('throttle store (Redis) not reachable yet: attempts are counted on this node until it is'));
  cleanups.push(async () => {
    redis.disconnect();
  });
  return redis;
}
const LISTEN_BACKLOG = 4096;
