export { appRouter, type AppRouter } from './app-router.ts';
export type { ApiContext, ApiEvents, SessionCookie } from './context.ts';
export { toTrpcError } from './trpc.ts';
export { resolveSession, type ResolvedSession } from './auth/resolve-session.ts';
export { SESSION_COOKIE, hashSessionToken, newSessionToken } from './auth/session-token.ts';
export { hashPassword, verifyPassword } from './auth/password.ts';
