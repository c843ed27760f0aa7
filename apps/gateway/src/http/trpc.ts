import type { FastifyInstance } from 'fastify';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { appRouter, resolveSession, toTrpcError, type ApiContext, type ApiEvents, type AppRouter, type IceConfig } from '@parley/api';
import { isDatabaseUnavailable } from '@parley/db';
import { AppError } from '@parley/protocol';
import type { GatewayDeps } from '../deps.ts';
import { csrfOk, sessionCookieFor, sessionTokenOf } from './session.ts';

export interface TrpcRouteOptions {
  deps: GatewayDeps;
  events: ApiEvents;
  /** Exact Origin values; filled by the caller (it may learn its port only after listen). */
  allowedOrigins: ReadonlySet<string>;
  secureCookies: boolean;
  sessionTtlMs: number;
  ice: IceConfig;
}

export async function registerTrpc(app: FastifyInstance, options: TrpcRouteOptions): Promise<void> {
  const { deps } = options;
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      // Typed, so a field the API adds to its context fails here at compile time, not at runtime.
      createContext: async ({ req, res }): Promise<ApiContext> => ({
        db: deps.db,
        events: options.events,
        cookie: sessionCookieFor(res, options.secureCookies),
        session: await resolveSession(deps.db, sessionTokenOf(req)).catch((error: unknown) => {
          // Every call looks its session up first: during a database outage that is where it fails.
          throw isDatabaseUnavailable(error) ? toTrpcError(new AppError('unavailable')) : error;
        }),
        csrfOk: csrfOk(req, options.allowedOrigins),
        userAgent: req.headers['user-agent'],
        sessionTtlMs: options.sessionTtlMs,
        ice: options.ice,
      }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error, path }, 'tRPC handler failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
