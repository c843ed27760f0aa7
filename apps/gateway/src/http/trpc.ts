import type { FastifyInstance } from 'fastify';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import {
  appRouter,
  resolveSession,
  toTrpcError,
  type ApiContext,
  type ApiEvents,
  type AppRouter,
  type IceConfig,
  type PasswordWork,
} from '@parley/api';
import { isDatabaseUnavailable } from '@parley/db';
import { AppError } from '@parley/protocol';
import type { GatewayDeps } from '../deps.ts';
import { csrfOk, sessionCookieFor, sessionTokenOf } from './session.ts';
import type { createThrottle } from './throttle.ts';

/**
 * The longest procedure list a batch may name (`/trpc/a.b,c.d?batch=1`), Fastify's
 * `maxParamLength`: about 250 calls. Fastify answers a longer one 414 (FST_ERR_MAX_PARAM_LENGTH).
 */
export const MAX_TRPC_PATH = 4096;

export interface TrpcRouteOptions {
  deps: GatewayDeps;
  events: ApiEvents;
  /** Exact Origin values; filled by the caller (it may learn its port only after listen). */
  allowedOrigins: ReadonlySet<string>;
  secureCookies: boolean;
  sessionTtlMs: number;
  ice: IceConfig;
  passwords: PasswordWork;
  /** Per-request throttles (see http/throttle.ts). */
  throttle: ReturnType<typeof createThrottle>;
}

export async function registerTrpc(app: FastifyInstance, options: TrpcRouteOptions): Promise<void> {
  const { deps } = options;
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      // Typed, so a field the API adds to its context fails here at compile time, not at runtime.
      createContext: async ({ req, res }): Promise<ApiContext> => {
        const session = await resolveSession(deps.db, sessionTokenOf(req)).catch((error: unknown) => {
          // Every call looks its session up first: during a database outage that is where it fails.
          throw isDatabaseUnavailable(error) ? toTrpcError(new AppError('unavailable')) : error;
        });
        if (session) deps.sessionActivity.seen(session.id);
        return {
          db: deps.db,
          events: options.events,
          cookie: sessionCookieFor(res, options.secureCookies),
          session,
          csrfOk: csrfOk(req, options.allowedOrigins),
          userAgent: req.headers['user-agent'],
          ip: req.ip,
          sessionTtlMs: options.sessionTtlMs,
          ice: options.ice,
          passwords: options.passwords,
          throttle: options.throttle(req, (seconds) => void res.header('retry-after', String(seconds)), session?.user.id),
          maxGroupMembers: deps.caps.groupMembers,
          push: { publicKey: deps.push.publicKey, endpoints: deps.push.endpoints },
        };
      },
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error, path }, 'tRPC handler failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
