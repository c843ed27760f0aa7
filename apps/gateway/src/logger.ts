import { pino, type DestinationStream, type Level, type Logger } from 'pino';

/**
 * Where a secret could reach a log line through an object we log (a request, a config, an
 * error's context): censored by pino before the line is written. Code does not log secrets on
 * purpose; this is the second line (log-secrets.int.test.ts checks the first).
 */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'headers.cookie',
  'headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  '*.tokenHash',
  '*.secret',
  '*.turnSecret',
  '*.credential',
  '*.databaseUrl',
  'config.ice',
  'config.metrics',
];

/** The gateway's logger: JSON lines at `level`, to stdout unless a destination is given. */
export function createLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
