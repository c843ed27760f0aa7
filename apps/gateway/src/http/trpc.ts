import type { FastifyInstance } from 'fastify';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { appRouter, resolveSession, type ApiEvents, type AppRouter } from '@parley/api';
import type { GatewayDeps } from '../deps.ts';
import { csrfOk, sessionCookieFor, sessionTokenOf } from './session.ts';

export interface TrpcRouteOptions {
  deps: GatewayDeps;
  events: ApiEvents;
  allowedOrigins: ReadonlySet<string>;
  secureCookies: boolean;
  sessionTtlMs: number;
}

export async function registerTrpc(app: FastifyInstance, options: TrpcRouteOptions): Promise<void> {
  const { deps } = options;
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: async ({ req, res }) => ({
        db: deps.db,
        events: options.events,
        cookie: sessionCookieFor(res, options.secureCookies),
        session: await resolveSession(deps.db, sessionTokenOf(req)),
        csrfOk: csrfOk(req, options.allowedOrigins),
        userAgent: req.headers['user-agent'],
        sessionTtlMs: options.sessionTtlMs,
      }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error, path }, 'tRPC handler failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
