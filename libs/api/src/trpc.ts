import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { AppError, isAppError, type ErrorCode } from '@parley/protocol';
import { isDatabaseUnavailable } from '@parley/db';
import type { ApiContext } from './context.ts';

const TRPC_CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The one place an AppError becomes a tRPC error. */
export function toTrpcError(error: AppError): TRPCError {
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[error.httpStatus] ?? 'INTERNAL_SERVER_ERROR',
    message: error.message,
    cause: error,
  });
}

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const appCode: ErrorCode | undefined = isAppError(error.cause) ? error.cause.code : undefined;
    const fieldErrors =
      error.cause instanceof z.ZodError ? z.flattenError(error.cause).fieldErrors : undefined;
    const hidden = shape.data.httpStatus >= 500;
    // rate_limited and overloaded say when a retry can work (also sent as Retry-After).
    const details = isAppError(error.cause) ? error.cause.details : undefined;
    const retryAfterMs = typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : undefined;
    return {
      ...shape,
      // 5xx details stay in the server log; clients get a generic message.
      message: hidden ? 'Internal error' : shape.message,
      data: { ...shape.data, stack: undefined, appCode, fieldErrors, retryAfterMs },
    };
  },
});

const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    // tRPC wraps thrown errors; re-map so the HTTP status follows the AppError's code.
    throw toTrpcError(result.error.cause);
  }
  // A database outage is temporary and says nothing about the request: 503, retryable.
  if (!result.ok && isDatabaseUnavailable(result.error.cause)) throw toTrpcError(new AppError('unavailable'));
  return result;
});

/** Mutations must carry the CSRF header and, when a browser sends one, an allowed Origin. */
const csrf = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && !ctx.csrfOk) {
    throw toTrpcError(new AppError('forbidden_origin', 'Missing CSRF header or disallowed origin'));
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(appErrors).use(csrf);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw toTrpcError(new AppError('unauthorized'));
  return next({ ctx: { ...ctx, session: ctx.session } });
});
