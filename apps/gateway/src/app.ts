import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import type { Redis } from 'ioredis';
import { MAX_FRAME_BYTES } from '@parley/protocol';
import { registerHealthRoutes } from './http/health.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerMetricsRoute, type MetricsAccess } from './http/metrics-route.ts';
import { createThrottle, type ThrottleLimits } from './http/throttle.ts';
import { MAX_TRPC_PATH, registerTrpc, type TrpcRouteOptions } from './http/trpc.ts';
import { registerWsRoute } from './ws/route.ts';
import { registerFileRoutes } from './http/file-routes.ts';

export interface AppOptions extends Omit<TrpcRouteOptions, 'throttle'> {
  limits: ThrottleLimits;
  /** Shared attempt counters for every node; unset: this node counts alone. */
  rateLimitRedis?: Redis | undefined;
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For. */
  trustProxy?: boolean | string;
  metricsAccess: MetricsAccess;
  helloTimeoutMs?: number;
  isShuttingDown: () => boolean;
  /** False while the Redis bus is down (always true with the in-process bus). */
  busHealthy: () => boolean;
}

/** Fastify's request lines (method, URL, status, time; never headers or bodies), at debug level. */
class DebugRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** Builds the Fastify app: plugins, then API routes. The web UI is registered by the caller. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps FastifyInstance's default generics.
    loggerInstance: options.deps.logger as FastifyBaseLogger,
    // Per-request lines at debug, not info: they would drown the socket logs in production.
    logController: new DebugRequestLog(),
    // tRPC batches can carry several messages; 1 MiB is ample and bounded.
    bodyLimit: 1024 * 1024,
    // A tRPC batch names its procedures in the path (`/trpc/a.b,a.b,…`). Fastify's default
    // (100 characters) answered 404 to a batch of six; the web app batches up to 50 calls.
    routerOptions: { maxParamLength: MAX_TRPC_PATH },
    trustProxy: options.trustProxy ?? false,
  });
  await app.register(fastifyCookie);
  const uploadSource = await options.deps.files.store.direct?.uploadSource();
  await registerSecurityHeaders(app, { https: options.secureCookies, connectSources: uploadSource ? [uploadSource] : [] });
  // Limits are applied by the API's throttle (http/throttle.ts), not to every route. When the
  // store (Redis) fails, the throttle counts on this node alone until it is back.
  await app.register(fastifyRateLimit, {
    global: false,
    skipOnError: false,
    nameSpace: 'parley-throttle-',
    ...(options.rateLimitRedis ? { redis: options.rateLimitRedis } : {}),
  });
  await app.register(fastifyWebsocket, {
    // ws closes oversized frames with 1009 before we ever parse them.
    options: { maxPayload: MAX_FRAME_BYTES },
  });
  registerHealthRoutes(app, options.deps, { isShuttingDown: options.isShuttingDown, busHealthy: options.busHealthy });
  registerMetricsRoute(app, options.deps.metrics, options.metricsAccess, true);
  // One warning a minute at most: during an outage every attempt fails over.
  let warnedAt = -Infinity;
  const throttle = createThrottle(app, options.limits, (error) => {
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    app.log.warn({ err: error }, 'throttle store (Redis) failed: counting attempts on this node alone');
  });
  await registerTrpc(app, { ...options, throttle });
  const { files } = options.deps;
  await registerFileRoutes(app, {
    db: options.deps.db,
    store: files.store,
    ingest: files.ingest,
    direct: files.direct,
    maxUploadBytes: files.maxUploadBytes,
    allowedOrigins: options.allowedOrigins,
    countUpload: (request, reply, userId) => throttle(request, (seconds) => void reply.header('retry-after', String(seconds)), userId)('upload'),
  });
  registerWsRoute(app, options);
  return app;
}
