import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every response. Scripts run only with this response's nonce
 * (Next.js puts it on its own scripts, see web.ts) or when such a script loads them
 * ('strict-dynamic'): an injected `<script>` or `on*=` attribute never runs. Styles: our CSS
 * files, plus inline `style` attributes (React positions popovers with them; style injection
 * cannot run code). Media and images also from `blob:` (calls, pasted images).
 */
const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'strict-dynamic'"],
  // Helmet adds a style nonce here; the two below take precedence for elements and attributes.
  styleSrc: ["'self'"],
  styleSrcElem: ["'self'", "'unsafe-inline'"],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'", 'blob:'],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Camera, microphone and screen for calls on this origin only; nothing else a page could ask for. */
const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()';

/**
 * Security headers on every HTTP response (@fastify/helmet): CSP with a fresh nonce per
 * response, nosniff, no referrer, no framing, HSTS only when people reach Parley over https
 * (on http it would be ignored at best, and could pin a name to https by mistake).
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean; connectSources?: readonly string[] }): Promise<void> {
  // Direct uploads PUT to the file store's upload folder (S3): the page may connect there too.
  const directives = { ...DIRECTIVES, connectSrc: [...DIRECTIVES.connectSrc, ...(options.connectSources ?? [])] };
  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    // No helmet defaults: upgrade-insecure-requests would break plain-http installs.
    contentSecurityPolicy: { useDefaults: false, directives },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // Only the name people use: includeSubDomains could break other sites of the same domain.
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
  });
}
