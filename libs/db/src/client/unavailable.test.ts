import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isPoolWaitTimeout } from './unavailable.ts';

// Shapes recorded from pg 8 and Prisma 7 (adapter-pg) against a real Postgres being stopped,
// restarted and having its backends terminated (see create-db.int.test.ts for the real thing).
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
const errno = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
const prismaError = (code: string, cause: object) =>
  Object.assign(new Error('Invalid `prisma.user.count()` invocation'), { name: 'PrismaClientKnownRequestError', code, meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a terminated backend (pg)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server shutting down or starting up', pgError('57P03', 'the database system is shutting down')],
    ['a connection exception (class 08)', pgError('08006', 'connection failure')],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['a refused connection', errno('ECONNREFUSED')],
    ['a reset connection', errno('ECONNRESET')],
    ['a dropped connection without a code', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
    ['a pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['a dead client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['a query a frozen server never answered (read timeout)', new Error('Query read timeout')],
    ['Prisma: not reachable', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['Prisma: a raw query on a terminated backend', prismaError('P2010', { kind: 'postgres', originalCode: '57P01', code: '57P01' })],
    ['Prisma: connection closed', prismaError('P2010', { kind: 'ConnectionClosed' })],
    ['a wrapped cause', new Error('hello failed', { cause: errno('ECONNREFUSED') })],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['Prisma: unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation', originalCode: '23505' })],
    ['a syntax error', pgError('42601', 'syntax error at or near "SELEC"')],
    ['a programmer error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('does not mistake %s for an outage', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('isPoolWaitTimeout', () => {
  it("is pg-pool's wait for a free connection, and no other failure to connect", () => {
    expect(isPoolWaitTimeout(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPoolWaitTimeout(new Error('Connection terminated due to connection timeout'))).toBe(false);
    expect(isPoolWaitTimeout(errno('ECONNREFUSED'))).toBe(false);
    expect(isPoolWaitTimeout(undefined)).toBe(false);
  });
});
