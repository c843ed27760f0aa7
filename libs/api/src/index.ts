export { appRouter, type AppRouter } from './app-router.ts';
export type { ApiContext, ApiEvents, SessionCookie, Throttle, ThrottleKind } from './context.ts';
export { toTrpcError } from './trpc.ts';
export { resolveSession, resolveSocketSession, sessionTokenHash, type ResolvedSession, type ResolvedSocketSession } from './auth/resolve-session.ts';
export { SESSION_COOKIE, hashSessionToken, newSessionToken } from './auth/session-token.ts';
export { hashPassword, verifyPassword } from './auth/password.ts';
export { createPasswordQueue, type PasswordWork, type PasswordQueueOptions } from './auth/password-queue.ts';
export { MIN_SEARCH_CHARS } from './routers/users.ts';
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
export { checkPushEndpoint, DEFAULT_PUSH_HOSTS, type PushEndpointPolicy } from './push/push-endpoint.ts';
