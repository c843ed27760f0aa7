import type { FastifyInstance } from 'fastify';
import type { GatewayDeps } from '../deps.ts';

/** `/healthz`: the process is alive. `/readyz`: it can serve (DB answers, not shutting down). */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: GatewayDeps,
  state: { isShuttingDown: () => boolean; busHealthy: () => boolean },
): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (state.isShuttingDown()) return reply.code(503).send({ status: 'shutting_down' });
    const database = await deps.db.prisma.$queryRaw`SELECT 1`.then(
      () => 'ok' as const,
      (error: unknown) => {
        deps.logger.warn({ err: error }, 'readiness: database check failed');
        return 'down' as const;
      },
    );
    const bus = state.busHealthy() ? ('ok' as const) : ('down' as const);
    const ready = database === 'ok' && bus === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { database, bus } });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
