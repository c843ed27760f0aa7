import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_PUSH_HOSTS, type IceConfig } from '@parley/api';
import { DEFAULT_MAX_UPLOAD_BYTES, PRESENCE_GRACE_MS, RING_TIMEOUT_MS } from '@parley/protocol';
import type { PushConfig } from './push/push-config.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_POOL_MAX, DEFAULT_STATEMENT_TIMEOUT_MS } from '@parley/db';
import type { ThrottleLimits } from './http/throttle.ts';
import type { MetricsAccess } from './http/metrics-route.ts';
import type { Caps } from './deps.ts';
import type { S3Settings } from './files/s3-blob-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The only schema that reads the environment. Everything else receives a `Config`. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  // 'localhost' binds both loopback families (127.0.0.1 and ::1), so the printed URL works either way.
  HOST: z.string().default('localhost'),
  PUBLIC_URL: z.url().optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  // Each node opens up to this many connections: nodes x size must stay under max_connections.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(DEFAULT_POOL_MAX),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(DEFAULT_CONNECT_TIMEOUT_MS),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_STATEMENT_TIMEOUT_MS),
  // Sockets doing their start-up queries at once; default: half the pool (sends keep the rest).
  HELLO_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  HELLO_QUEUE_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  REDIS_URL: z.string().optional(),
  // Presence keys live under it: two deployments (or test runs) sharing one Redis keep apart.
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'REDIS_KEY_PREFIX takes 1-64 letters, digits, ":", "_", "." or "-"').default('parley:'),
  NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(PRESENCE_GRACE_MS),
  PRESENCE_TTL_MS: z.coerce.number().int().min(1000).max(300_000).default(15_000),
  STUN_URLS: z.string().optional(),
  TURN_URLS: z.string().optional(),
  TURN_SECRET: z.string().min(16, 'TURN_SECRET must be at least 16 characters').optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  CALL_RING_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(RING_TIMEOUT_MS),
  CALL_RECONNECT_GRACE_MS: z.coerce.number().int().min(500).max(120_000).default(15_000),
  DATA_DIR: z.string().default('.data'),
  SESSION_TTL_DAYS: z.coerce.number().positive().max(365).default(30),
  // Revoked and expired sessions are deleted this long after they ended (0: at the next purge).
  SESSION_RETENTION_HOURS: z.coerce.number().min(0).max(24 * 365).default(24),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVE_WEB: Bool.default(true),
  WEB_DIR: z.string().default('apps/web'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(5000),
  // 'true' (any proxy), 'false', or the proxies' addresses/CIDRs, comma-separated (safest).
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(true|false|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, 'TRUST_PROXY is true, false, or comma-separated proxy addresses (e.g. 127.0.0.1,10.0.0.0/8)')
    .default('false')
    .transform((v): boolean | string => (v === 'true' ? true : v === 'false' ? false : v)),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  // Attempts per window; each attempt past a limit doubles the wait (see http/throttle.ts).
  SIGN_IN_PER_HANDLE: z.coerce.number().int().min(1).default(10),
  SIGN_IN_PER_IP: z.coerce.number().int().min(1).default(100),
  SIGN_IN_WINDOW_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  SIGN_UP_PER_IP: z.coerce.number().int().min(1).default(20),
  SIGN_UP_WINDOW_MS: z.coerce.number().int().min(1000).default(60 * 60_000),
  USER_SEARCH_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  MESSAGE_SEARCH_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  GROUPS_PER_HOUR: z.coerce.number().int().min(1).default(30),
  UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  // Per-user caps (see Caps in deps.ts).
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(30),
  MAX_GROUP_MEMBERS: z.coerce.number().int().min(2).max(100_000).default(2_000),
  // Default: half the cores (at least 1), see passwordHashConcurrency below.
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(100_000).default(200),
  // The share of a hashing slot's time spent hashing (see libs/api password-queue.ts).
  PASSWORD_HASH_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  // Files (PROTOCOL.md "Files"): per-file limit, and where the bytes live.
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).max(5 * 1024 ** 3).default(DEFAULT_MAX_UPLOAD_BYTES),
  // Uploads never sent are removed after this long; the sweep runs on every node this often.
  UPLOAD_ORPHAN_TTL_MS: z.coerce.number().int().min(1000).default(DAY_MS),
  FILE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).default(10 * 60_000),
  STORAGE: z.enum(['local', 's3']).default('local'),
  // local: files under FILES_DIR (default DATA_DIR/files).
  FILES_DIR: z.string().optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ENDPOINT: z.url().optional(),
  S3_FORCE_PATH_STYLE: Bool.optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, 'S3_PREFIX is empty or path segments ending in /').default(''),
  // Web Push (see push/push-config.ts). Without keys, a pair is made at first start and kept in Postgres.
  PUSH_ENABLED: Bool.default(true),
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'VAPID_PUBLIC_KEY is a base64url P-256 public key (87 characters)').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'VAPID_PRIVATE_KEY is a base64url P-256 private key (43 characters)').optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:.+@.+|https:\/\/.+)$/, 'VAPID_SUBJECT is a mailto: address or an https: URL').optional(),
  // Hosts pushes may go to (and their subdomains), comma-separated; '*' for any public https host.
  PUSH_ENDPOINT_HOSTS: z.string().optional(),
  // Only for tests that run their own push service on loopback.
  PUSH_ALLOW_LOOPBACK: Bool.default(false),
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  PUSH_QUEUE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});

/** Where file bytes live (files/blob-store.ts). */
export type StorageConfig = { kind: 'local'; dir: string } | { kind: 's3'; s3: S3Settings };

export interface FilesConfig {
  storage: StorageConfig;
  /** Largest file accepted, in bytes; refused with 413 `too_large` before anything is stored. */
  maxUploadBytes: number;
  /** Where uploads wait while they are checked (on local disk even with S3). */
  tmpDir: string;
  orphanAfterMs: number;
  sweepIntervalMs: number;
}

export interface Config {
  port: number;
  host: string;
  /** Where people reach Parley; its origin is allowed by default and `https` makes cookies Secure. */
  publicUrl: string | undefined;
  /** Exact Origin values allowed for the WebSocket upgrade and mutations. */
  allowedOrigins: string[];
  /** External Postgres; when undefined the gateway starts an embedded one under dataDir. */
  databaseUrl: string | undefined;
  /** Postgres connections this node may hold (Prisma and the message writer share them). */
  databasePoolSize: number;
  /**
   * How long a request waits for a database connection before it fails with `unavailable`:
   * the bound on how long a frame hangs while Postgres is down or saturated.
   */
  databaseConnectTimeoutMs: number;
  /**
   * Postgres cancels a statement after this long, and the gateway stops waiting for a frozen
   * server 2 s later: with the connect timeout, the bound on how long an ack can hang.
   */
  databaseStatementTimeoutMs: number;
  dataDir: string;
  /** DATA_DIR was set: the embedded cluster stays in it (or fails clearly), never moves elsewhere. */
  dataDirExplicit: boolean;
  /**
   * Sockets whose start-up database work (session lookup, hello) runs at once; the others wait
   * in line. Half the pool by default, so the sends of live sockets keep connections to use.
   */
  helloConcurrency: number;
  /** A socket that would wait longer than this in that line is refused (1013, retryAfterMs). */
  helloQueueMaxWaitMs: number;
  /** Set for many nodes: fan-out and presence go through Redis. Unset: in-process, one node. */
  redisUrl: string | undefined;
  /** Prepended to the presence keys in Redis (`<prefix>presence:...`). */
  redisKeyPrefix: string;
  /** Names this node in Redis (presence entries, client names); random when unset. */
  nodeId: string;
  /** How long a user with no connection left stays shown online (reloads don't flicker). */
  presenceGraceMs: number;
  /** A node's presence entries expire this long after its last heartbeat (crash detection). */
  presenceTtlMs: number;
  /**
   * ICE servers handed to callers. STUN: STUN_URLS, else the TURN hosts (coturn answers STUN
   * too). No public default: a self-hosted product must not send people's IPs elsewhere.
   */
  ice: IceConfig;
  /** Ringing without an answer ends as a missed call after this long. */
  ringTimeoutMs: number;
  /** A device that dropped mid-call keeps its seat this long (a reconnect re-accepts). */
  callReconnectGraceMs: number;
  sessionTtlMs: number;
  /** Sessions revoked or expired longer ago than this are purged (each node, every 10 min). */
  sessionRetentionMs: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Serve the built Next.js UI from webDir on the same origin. */
  serveWeb: boolean;
  webDir: string;
  shutdownGraceMs: number;
  /** Behind a reverse proxy: client addresses from X-Forwarded-For (per-address limits need them). */
  trustProxy: boolean | string;
  /** Who may read /metrics: a bearer token, a listener of its own, or both (http/metrics-route.ts). */
  metrics: MetricsAccess;
  limits: ThrottleLimits;
  caps: Caps;
  /** argon2 hashes running at once, and waiting, on this node (beyond: `overloaded`). */
  passwordHashing: { concurrency: number; maxWaiting: number; share: number };
  files: FilesConfig;
  /** Web Push; null when PUSH_ENABLED=false. */
  push: PushConfig | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const explicit = e.ALLOWED_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    allowedOrigins: explicit ?? (e.PUBLIC_URL ? [new URL(e.PUBLIC_URL).origin] : []),
    databaseUrl: e.DATABASE_URL || undefined,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    dataDir: resolve(e.DATA_DIR),
    dataDirExplicit: env.DATA_DIR !== undefined && env.DATA_DIR !== '',
    helloConcurrency: e.HELLO_CONCURRENCY ?? Math.max(1, Math.floor(e.DATABASE_POOL_SIZE / 2)),
    helloQueueMaxWaitMs: e.HELLO_QUEUE_MAX_WAIT_MS,
    redisUrl: e.REDIS_URL || undefined,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    nodeId: e.NODE_ID ?? `node-${randomUUID().slice(0, 8)}`,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    presenceTtlMs: e.PRESENCE_TTL_MS,
    ringTimeoutMs: e.CALL_RING_TIMEOUT_MS,
    callReconnectGraceMs: e.CALL_RECONNECT_GRACE_MS,
    ice: iceConfig(e),
    sessionTtlMs: e.SESSION_TTL_DAYS * DAY_MS,
    sessionRetentionMs: e.SESSION_RETENTION_HOURS * 60 * 60 * 1000,
    logLevel: e.LOG_LEVEL,
    serveWeb: e.SERVE_WEB,
    webDir: resolve(e.WEB_DIR),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    trustProxy: e.TRUST_PROXY,
    metrics: {
      token: e.METRICS_TOKEN,
      listen: e.METRICS_PORT === undefined ? undefined : { host: e.METRICS_HOST, port: e.METRICS_PORT },
    },
    limits: {
      signInPerHandle: { max: e.SIGN_IN_PER_HANDLE, windowMs: e.SIGN_IN_WINDOW_MS },
      signInPerAddress: { max: e.SIGN_IN_PER_IP, windowMs: e.SIGN_IN_WINDOW_MS },
      signUpPerAddress: { max: e.SIGN_UP_PER_IP, windowMs: e.SIGN_UP_WINDOW_MS },
      searchPerUser: { max: e.USER_SEARCH_PER_MINUTE, windowMs: 60_000 },
      messageSearchPerUser: { max: e.MESSAGE_SEARCH_PER_MINUTE, windowMs: 60_000 },
      groupsPerUser: { max: e.GROUPS_PER_HOUR, windowMs: 60 * 60_000 },
      uploadsPerUser: { max: e.UPLOADS_PER_MINUTE, windowMs: 60_000 },
      // Checking a signed-in user's password (change, account deletion) counts like a sign-in.
      passwordPerUser: { max: e.SIGN_IN_PER_HANDLE, windowMs: e.SIGN_IN_WINDOW_MS },
    },
    caps: { socketsPerUser: e.MAX_SOCKETS_PER_USER, groupMembers: e.MAX_GROUP_MEMBERS },
    passwordHashing: { concurrency: e.PASSWORD_HASH_CONCURRENCY ?? defaultPasswordHashConcurrency(availableParallelism()), maxWaiting: e.PASSWORD_HASH_QUEUE, share: e.PASSWORD_HASH_SHARE },
    files: filesConfig(e),
    push: pushConfig(e),
  };
}

function filesConfig(e: z.infer<typeof EnvSchema>): FilesConfig {
  const filesDir = resolve(e.FILES_DIR ?? resolve(e.DATA_DIR, 'files'));
  const common = { maxUploadBytes: e.MAX_UPLOAD_BYTES, tmpDir: resolve(filesDir, 'tmp'), orphanAfterMs: e.UPLOAD_ORPHAN_TTL_MS, sweepIntervalMs: e.FILE_SWEEP_INTERVAL_MS };
  if (e.STORAGE === 'local') return { ...common, storage: { kind: 'local', dir: filesDir } };
  if (!e.S3_BUCKET) throw new ConfigError('STORAGE=s3 needs S3_BUCKET');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) throw new ConfigError('Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither');
  return {
    ...common,
    storage: {
      kind: 's3',
      s3: {
        bucket: e.S3_BUCKET,
        region: e.S3_REGION,
        endpoint: e.S3_ENDPOINT,
        // S3-compatible stores mostly want the bucket in the path; AWS itself, in the host name.
        forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
        credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
        prefix: e.S3_PREFIX,
      },
    },
  };
}

function pushConfig(e: z.infer<typeof EnvSchema>): PushConfig | null {
  if (!e.PUSH_ENABLED) return null;
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined)) {
    throw new ConfigError('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together, or neither (a pair is then made and stored)');
  }
  const hosts = list(e.PUSH_ENDPOINT_HOSTS).map((h) => h.toLowerCase());
  return {
    vapid: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : null,
    // Push services may use it to reach the operator; a placeholder works until one is set.
    subject: e.VAPID_SUBJECT ?? (e.PUBLIC_URL?.startsWith('https:') ? new URL(e.PUBLIC_URL).origin : 'mailto:parley@localhost'),
    endpoints: {
      hosts: hosts.includes('*') ? 'any' : hosts.length > 0 ? hosts : DEFAULT_PUSH_HOSTS,
      allowLoopback: e.PUSH_ALLOW_LOOPBACK,
    },
    sendConcurrency: e.PUSH_CONCURRENCY,
    timeoutMs: e.PUSH_TIMEOUT_MS,
    maxQueued: e.PUSH_QUEUE_MAX,
  };
}

/**
 * argon2 hashes at once by default: half the cores, at least one. Each hash keeps a core busy
 * for ~30 ms; with every core hashing, a flood of wrong sign-ins starves chat (measured with
 * `npm run bench -- --scenario signin-flood` on 2 cores: chat ack p99 ×4.5 with 2 at once, ×1.9
 * with 1, and the same sign-ins per second either way).
 */
export function defaultPasswordHashConcurrency(cores: number): number {
  return Math.max(1, Math.floor(cores / 2));
}

const list = (value: string | undefined) => value?.split(',').map((v) => v.trim()).filter(Boolean) ?? [];

function iceConfig(e: z.infer<typeof EnvSchema>): IceConfig {
  const turnUrls = list(e.TURN_URLS);
  if (turnUrls.length > 0 && !e.TURN_SECRET) throw new ConfigError('TURN_URLS is set but TURN_SECRET is not');
  const stunFromTurn = [...new Set(turnUrls.map((url) => url.replace(/^turns?:/, 'stun:').replace(/\?.*$/, '')))];
  return {
    stunUrls: e.STUN_URLS !== undefined ? list(e.STUN_URLS) : stunFromTurn,
    turn: turnUrls.length > 0 && e.TURN_SECRET ? { urls: turnUrls, secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS } : null,
  };
}

/**
 * With no explicit allowlist, the gateway's own listening origins are allowed once the port
 * is known (port 0 picks one at listen time).
 */
export function defaultOrigins(config: Config, port: number): string[] {
  if (config.allowedOrigins.length > 0) return config.allowedOrigins;
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}
