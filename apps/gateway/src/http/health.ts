import type { FastifyInstance } from 'fastify';
import type { GatewayDeps } from '../deps.ts';

/**
 * /readyz answers within this even when the database hangs (a load balancer's health check
 * times out too, and an unanswered probe says less than a 503).
 */
export const READINESS_DB_TIMEOUT_MS = 2_000;

/** Resolves 'ok' when the database answers in time, else 'down' (the query may still finish). */
async function databaseCheck(deps: GatewayDeps): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_DB_TIMEOUT_MS} ms`)), READINESS_DB_TIMEOUT_MS);
  });
  try {
    await Promise.race([deps.db.prisma.$queryRaw`SELECT 1`, timedOut]);
    return 'ok';
  } catch (error) {
    deps.logger.warn({ err: error }, 'readiness: database check failed');
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is alive. `/readyz`: it can serve new clients: the database answers
 * and it is not shutting down. A bus (Redis) outage does not make it unready: the node still
 * accepts sockets and delivers locally, and Redis is shared, so an outage hits every node at
 * once; failing readiness would have a load balancer pull them all. It answers 200 with
 * `status: "degraded"`, `checks.bus: "down"`. `/readyz?bus=required` answers 503 then instead,
 * for deployments that would rather route around one node that lost its own link to Redis.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: GatewayDeps,
  state: { isShuttingDown: () => boolean; busHealthy: () => boolean },
): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get<{ Querystring: { bus?: string } }>('/readyz', async (request, reply) => {
    if (state.isShuttingDown()) return reply.code(503).send({ status: 'shutting_down' });
    const database = await databaseCheck(deps);
    const bus = state.busHealthy() ? ('ok' as const) : ('down' as const);
    const busRequired = request.query.bus === 'required';
    const ready = database === 'ok' && (bus === 'ok' || !busRequired);
    const status = !ready ? 'unavailable' : bus === 'ok' ? 'ready' : 'degraded';
    return reply.code(ready ? 200 : 503).send({ status, checks: { database, bus } });
  });
}
