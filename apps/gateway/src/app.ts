import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import { MAX_FRAME_BYTES } from '@parley/protocol';
import { registerHealthRoutes } from './http/health.ts';
import { registerTrpc, type TrpcRouteOptions } from './http/trpc.ts';
import { registerWsRoute } from './ws/route.ts';

export interface AppOptions extends TrpcRouteOptions {
  helloTimeoutMs?: number;
  isShuttingDown: () => boolean;
  /** False while the Redis bus is down (always true with the in-process bus). */
  busHealthy: () => boolean;
}

/** Builds the Fastify app: plugins, then API routes. The web UI is registered by the caller. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps FastifyInstance's default generics.
    loggerInstance: options.deps.logger as FastifyBaseLogger,
    // Per-request lines would drown the socket logs; errors are still logged with context.
    logController: new LogController({ disableRequestLogging: true }),
    // tRPC batches can carry several messages; 1 MiB is ample and bounded.
    bodyLimit: 1024 * 1024,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    // ws closes oversized frames with 1009 before we ever parse them.
    options: { maxPayload: MAX_FRAME_BYTES },
  });
  registerHealthRoutes(app, options.deps, { isShuttingDown: options.isShuttingDown, busHealthy: options.busHealthy });
  await registerTrpc(app, options);
  registerWsRoute(app, options);
  return app;
}
