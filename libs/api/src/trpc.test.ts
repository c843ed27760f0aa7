import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, type ErrorCode } from '@parley/protocol';
import { toTrpcError } from './trpc.ts';

describe('toTrpcError', () => {
  it('maps every AppError code to the tRPC code of its HTTP status, keeping the message', () => {
    const expected: Record<number, string> = {
      400: 'BAD_REQUEST',
      401: 'UNAUTHORIZED',
      403: 'FORBIDDEN',
      404: 'NOT_FOUND',
      409: 'CONFLICT',
      413: 'PAYLOAD_TOO_LARGE',
      429: 'TOO_MANY_REQUESTS',
      500: 'INTERNAL_SERVER_ERROR',
      503: 'SERVICE_UNAVAILABLE',
    };
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const error = toTrpcError(new AppError(code, `msg ${code}`));
      expect(error.code).toBe(expected[ERROR_CODES[code].http]);
      expect(error.message).toBe(`msg ${code}`);
      expect(error.cause).toBeInstanceOf(AppError);
    }
  });
});
