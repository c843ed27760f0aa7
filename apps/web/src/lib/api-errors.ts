import { TRPCClientError } from '@trpc/client';

export interface ApiErrorInfo {
  /** tRPC error code, e.g. CONFLICT, UNAUTHORIZED, BAD_REQUEST; undefined for network failures. */
  code: string | undefined;
  message: string;
  /** zod field errors flattened by the server's error formatter. */
  fieldErrors: Record<string, string[] | undefined>;
}

const NETWORK_MESSAGE = 'Could not reach Parley. Check your connection and try again.';

export function apiErrorInfo(error: unknown): ApiErrorInfo {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as { code?: string; fieldErrors?: Record<string, string[] | undefined> };
    if (data.code === undefined) return { code: undefined, message: NETWORK_MESSAGE, fieldErrors: {} };
    return { code: data.code, message: error.message, fieldErrors: data.fieldErrors ?? {} };
  }
  return { code: undefined, message: error instanceof Error ? error.message : NETWORK_MESSAGE, fieldErrors: {} };
}

export function isUnauthorized(error: unknown): boolean {
  return apiErrorInfo(error).code === 'UNAUTHORIZED';
}

/** No answer from the server at all (offline, connection refused or cut): not a refusal. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TRPCClientError ? apiErrorInfo(error).code === undefined : error instanceof TypeError;
}
