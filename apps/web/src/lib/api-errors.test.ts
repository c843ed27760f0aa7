import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { isNetworkError, isUnauthorized } from './api-errors.ts';

describe('isNetworkError', () => {
  it('is true when no answer came back (offline, refused)', () => {
    expect(isNetworkError(TRPCClientError.from(new TypeError('Failed to fetch')))).toBe(true);
    expect(isNetworkError(new TypeError('Failed to fetch'))).toBe(true);
  });

  it('is false for an answer that refuses', () => {
    const refused = new TRPCClientError('Sign in required', { result: { error: { message: 'Sign in required', code: -32001, data: { code: 'UNAUTHORIZED' } } } });
    expect(isUnauthorized(refused)).toBe(true);
    expect(isNetworkError(refused)).toBe(false);
    expect(isNetworkError(new Error('bug'))).toBe(false);
  });
});
