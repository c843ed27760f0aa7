// Test-only plumbing for turn-relay.calls.ts: a throwaway coturn on loopback, the gateway
// configured to hand out its credentials, and Chromium with the WebRTC flags from STACK.md.
// coturn's spawn mirrors libs/api/src/testing/coturn.ts, which @parley/api does not export.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { createTestDatabase } from '@parley/db/testing';
import { loadConfig, startServer } from '@parley/gateway';

const HOST = '127.0.0.1';
const REALM = 'parley.test';
const CHROMIUM_PATH = '/usr/bin/chromium';
/** Two peers need two allocations; a few spare ports cover Chromium retrying. */
const RELAY_PORT_COUNT = 16;
const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 50;
const STOP_GRACE_MS = 2_000;

/** What a browser gets from `calls.iceServers` (RTCIceServer-compatible). */
export interface IceServerJson {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface TestCoturn {
  port: number;
  secret: string;
  relayPorts: { min: number; max: number };
  url: string;
  readLog(): Promise<string>;
  stop(): Promise<void>;
}

/** Names of the tools these tests need that are not installed (empty when all are). */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (spawnSync('turnserver', ['--version'], { stdio: 'ignore' }).error !== undefined) missing.push('turnserver (coturn)');
  if (!existsSync(CHROMIUM_PATH)) missing.push(`chromium at ${CHROMIUM_PATH}`);
  return missing;
}

async function portFree(port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const server = createTcpServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** coturn also binds port+1 (its alt listening port), so both must be free, UDP and TCP. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free loopback port pair for coturn');
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startTestCoturn(): Promise<TestCoturn> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-turn-relay-'));
  const port = await freePortPair();
  const minRelay = 50_000 + Math.floor(Math.random() * 9_000);
  const relayPorts = { min: minRelay, max: minRelay + RELAY_PORT_COUNT - 1 };
  const secret = randomBytes(24).toString('base64url');
  const logFile = join(dir, 'turn.log');
  const child = spawn(
    'turnserver',
    [
      '-n', // no config file: every setting is on this command line
      `--listening-ip=${HOST}`,
      `--relay-ip=${HOST}`,
      `--listening-port=${port}`,
      `--alt-listening-port=${port + 1}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      `--realm=${REALM}`,
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      // Both test peers live on 127.0.0.1; coturn refuses loopback peers by default (403),
      // which is right in production and allowed here only.
      '--allow-loopback-peers',
      `--min-port=${relayPorts.min}`,
      `--max-port=${relayPorts.max}`,
      `--pidfile=${join(dir, 'turn.pid')}`,
      `--userdb=${join(dir, 'turndb')}`, // keep coturn's SQLite file out of /var/lib/turn
      `--log-file=${logFile}`,
      '--simple-log',
      '--no-stdout-log',
    ],
    { stdio: 'ignore' },
  );
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const readLog = () => readFile(logFile, 'utf8').catch(() => '');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ready = (async () => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`turnserver exited early (${child.exitCode}):\n${await readLog()}`);
      // Listeners open together; relay ports are usable once the log says so.
      if ((await tcpAccepts(port)) && (await readLog()).includes('Relay ports initialization done')) return;
      if (Date.now() > deadline) throw new Error(`turnserver not ready in ${READY_TIMEOUT_MS} ms:\n${await readLog()}`);
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, secret, relayPorts, url: `turn:${HOST}:${port}?transport=udp`, readLog, stop };
}

export interface TurnGateway {
  origin: string;
  close(): Promise<void>;
}

/** The real gateway on a fresh database, configured for `coturn` exactly as an operator would. */
export async function startTurnGateway(coturn: TestCoturn): Promise<TurnGateway> {
  const database = await createTestDatabase();
  try {
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: database.databaseUrl,
      SERVE_WEB: 'false',
      LOG_LEVEL: 'silent',
      TURN_URLS: coturn.url,
      TURN_SECRET: coturn.secret,
    });
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    return {
      origin: `http://localhost:${server.port}`,
      async close() {
        await server.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function trpc<T>(origin: string, path: string, init: { input?: unknown; cookie?: string }): Promise<{ data: T; setCookie: string | null }> {
  const post = init.input !== undefined;
  const res = await fetch(`${origin}/trpc/${path}`, {
    method: post ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin, ...(init.cookie ? { cookie: init.cookie } : {}) },
    body: post ? JSON.stringify(init.input) : undefined,
  });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(body.error)}`);
  return { data: body.result.data, setCookie: res.headers.get('set-cookie') };
}

/** Signs a user up over HTTP and returns their id and session cookie (`name=value`). */
export async function signUp(origin: string, handle: string): Promise<{ userId: string; cookie: string }> {
  const res = await trpc<{ user: { id: string } }>(origin, 'auth.signUp', {
    input: { handle, displayName: handle, password: 'correct horse battery staple' },
  });
  const cookie = res.setCookie?.split(';')[0];
  if (!cookie) throw new Error('auth.signUp set no session cookie');
  return { userId: res.data.user.id, cookie };
}

export async function fetchIceServers(origin: string, cookie: string): Promise<{ iceServers: IceServerJson[]; expiresAt: string | null }> {
  return (await trpc<{ iceServers: IceServerJson[]; expiresAt: string | null }>(origin, 'calls.iceServers', { cookie })).data;
}

/** Chromium with the WebRTC flags from STACK.md; loopback candidates are allowed for tests only. */
export function launchCallChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ],
  });
}
