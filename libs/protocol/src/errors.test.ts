import { describe, expect, it } from 'vitest';
import { AppError, CLOSE_CODES, closeReasonOf, shouldReconnect } from './errors.ts';

describe('close codes', () => {
  it('are unique', () => {
    const codes = Object.values(CLOSE_CODES).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('tell clients when reconnecting cannot help', () => {
    expect(shouldReconnect(4001)).toBe(false);
    expect(shouldReconnect(4002)).toBe(false);
    expect(shouldReconnect(1000)).toBe(false);
    expect(shouldReconnect(1012)).toBe(true);
    expect(shouldReconnect(4008)).toBe(true);
    // 1006 (abnormal closure) is what a dropped network looks like.
    expect(shouldReconnect(1006)).toBe(true);
    expect(closeReasonOf(4008)).toBe('slow_consumer');
  });
});

describe('AppError', () => {
  it('carries its HTTP status and retryability from the one table', () => {
    const error = new AppError('not_member');
    expect(error.httpStatus).toBe(403);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Not a member of this conversation');
    expect(new AppError('unavailable').retryable).toBe(true);
  });
});
