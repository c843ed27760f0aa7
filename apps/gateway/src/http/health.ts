import type { FastifyInstance } from 'fastify';
import type { GatewayDeps } from '../deps.ts';

/** `/healthz`: the process is alive. `/readyz`: it can serve (DB answers, not shutting down). */
export function registerHealthRoutes(app: FastifyInstance, deps: GatewayDeps, isShuttingDown: () => boolean): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (isShuttingDown()) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await deps.db.prisma.$queryRaw`SELECT 1`;
      return { status: 'ready', checks: { database: 'ok' } };
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness: database check failed');
      return reply.code(503).send({ status: 'unavailable', checks: { database: 'down' } });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
