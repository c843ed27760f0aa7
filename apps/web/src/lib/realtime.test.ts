import { describe, expect, it } from 'vitest';
import { ParleyClientError } from '@parley/client';
import { isUnauthorizedClose, realtimeUrl } from './realtime.ts';

describe('realtime helpers', () => {
  it('builds a same-origin socket URL', () => {
    expect(realtimeUrl({ protocol: 'https:', host: 'chat.example.com' })).toBe('wss://chat.example.com/ws');
    expect(realtimeUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/ws');
  });

  it('treats an unauthorized close as signed out, other closes as transient', () => {
    expect(isUnauthorizedClose({ code: 4001 })).toBe(true);
    expect(isUnauthorizedClose({ code: 1006, error: new ParleyClientError('unauthorized', 'Sign in required') })).toBe(true);
    expect(isUnauthorizedClose({ code: 1012 })).toBe(false);
  });
});
