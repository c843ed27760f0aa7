import { afterEach, expect } from 'vitest';
import { takeCspViolations } from './csp-guard.ts';

afterEach(() => {
  expect(takeCspViolations(), 'Content-Security-Policy violations in the browser').toEqual([]);
});
