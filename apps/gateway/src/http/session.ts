import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type SessionCookie } from '@parley/api';

export const CSRF_HEADER = 'x-parley-csrf';

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/** HttpOnly + SameSite=Lax: scripts can't read it and cross-site subrequests don't carry it. */
export function sessionCookieFor(reply: FastifyReply, secure: boolean): SessionCookie {
  const base = { path: '/', httpOnly: true, sameSite: 'lax', secure } as const;
  return {
    set: (token, expiresAt) => void reply.setCookie(SESSION_COOKIE, token, { ...base, expires: expiresAt }),
    clear: () => void reply.clearCookie(SESSION_COOKIE, base),
  };
}

/** Origin is absent on same-origin GETs and non-browser clients; when present it must be allowed. */
export function originAllowed(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  return origin === undefined || allowedOrigins.has(origin);
}

/** Cross-site pages cannot set a custom header without a CORS preflight, which we never grant. */
export function csrfOk(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): boolean {
  return request.headers[CSRF_HEADER] === '1' && originAllowed(request, allowedOrigins);
}
