export { appRouter, type AppRouter } from './app-router.ts';
export type { ApiContext, ApiEvents, SessionCookie } from './context.ts';
export { toTrpcError } from './trpc.ts';
export { resolveSession, type ResolvedSession } from './auth/resolve-session.ts';
export { SESSION_COOKIE, hashSessionToken, newSessionToken } from './auth/session-token.ts';
export { hashPassword, verifyPassword } from './auth/password.ts';
export {
  iceServersFor,
  type IceConfig,
  type IceServer,
  type IceServersResult,
  type TurnConfig,
} from './calls/ice-servers.ts';
export {
  DEFAULT_TURN_TTL_SECONDS,
  createTurnCredentials,
  type TurnCredentials,
  type TurnCredentialsInput,
} from './calls/turn-credentials.ts';
