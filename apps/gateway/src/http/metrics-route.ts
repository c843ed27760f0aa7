import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.ts';

export interface MetricsAccess {
  /** When set, every scrape needs `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** When set, /metrics is served on its own listener (e.g. a port the firewall keeps private). */
  listen: { host: string; port: number } | undefined;
}

/**
 * /metrics tells anyone who can read it how many people are online and how busy the node is,
 * so it is never public by default: on the main listener only with a token, otherwise only on
 * a listener of its own. With neither it is not served at all (404), and the README says how.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, access: MetricsAccess, main: boolean): void {
  if (main && !access.token) return;
  app.get('/metrics', async (request, reply) => {
    if (access.token && !bearerMatches(request, access.token)) return refuse(reply);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** The separate metrics listener, when configured; returns its close and port. */
export async function startMetricsListener(
  metrics: Metrics,
  access: MetricsAccess,
): Promise<{ port: number; close: () => Promise<void> } | undefined> {
  if (!access.listen) return undefined;
  const app = Fastify({ logger: false });
  registerMetricsRoute(app, metrics, access, false);
  await app.listen(access.listen);
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

function refuse(reply: FastifyReply) {
  return reply.code(401).header('www-authenticate', 'Bearer realm="parley-metrics"').send({ error: 'unauthorized', message: 'A metrics token is required' });
}

function bearerMatches(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  // Hashes first: equal lengths for timingSafeEqual, and no early exit on the first wrong char.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
