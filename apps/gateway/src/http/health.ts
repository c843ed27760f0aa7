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

/** `/healthz`: the process is alive. `/readyz`: it can serve (DB answers, not shutting down). */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: GatewayDeps,
  state: { isShuttingDown: () => boolean; busHealthy: () => boolean },
): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (state.isShuttingDown()) return reply.code(503).send({ status: 'shutting_down' });
    const database = await databaseCheck(deps);
    const bus = state.busHealthy() ? ('ok' as const) : ('down' as const);
    const ready = database === 'ok' && bus === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { database, bus } });
  });
}
