import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

export class WebBuildMissingError extends Error {
  override readonly name = 'WebBuildMissingError';
}

/**
 * Serves the built Next.js UI on the gateway's own origin, so cookies, `/trpc` and `/ws` need
 * no CORS and the product is one URL. Routes registered before this one win (Fastify matches
 * static paths before the wildcard).
 */
export async function registerWeb(app: FastifyInstance, webDir: string): Promise<() => Promise<void>> {
  if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) {
    throw new WebBuildMissingError(`No Next.js build in ${webDir}/.next: run \`npx nx run web:build\` first`);
  }
  const { default: next } = await import('next');
  const nextApp = next({ dev: false, dir: webDir, quiet: true });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    handler: async (request, reply) => {
      // Next.js takes the nonce for its scripts from the request's policy header (as its docs'
      // proxy does): hand it this response's policy, set by security-headers.ts.
      const policy = reply.raw.getHeader('content-security-policy');
      if (typeof policy === 'string') request.raw.headers['content-security-policy'] = policy;
      reply.hijack();
      await handle(request.raw, reply.raw);
    },
  });
  return () => nextApp.close();
}
