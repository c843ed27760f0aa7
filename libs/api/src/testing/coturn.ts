// Starts a real, throwaway coturn on loopback for integration tests. Test-only code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const REALM = 'parley.local';
const RELAY_PORT_COUNT = 20;
const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 50;
const STOP_GRACE_MS = 2_000;

export interface Coturn {
  host: string;
  port: number;
  secret: string;
  realm: string;
  relayPorts: { min: number; max: number };
  /** `turn:` URL for this server, UDP transport. */
  url: string;
  logFile: string;
  readLog(): Promise<string>;
  stop(): Promise<void>;
}

export function turnserverAvailable(): boolean {
  const probe = spawnSync('turnserver', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined;
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

/** A listening port whose neighbour (coturn's default alt port) is free too, UDP and TCP. */
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

export async function startCoturn(): Promise<Coturn> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-coturn-'));
  const port = await freePortPair();
  // Relay ports sit far from the listening range; coturn skips any that are taken.
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
      // The test peers live on 127.0.0.1; coturn refuses loopback peers by default (403).
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

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const readLog = () => readFile(logFile, 'utf8').catch(() => '');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ready = (async () => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`turnserver exited early (${child.exitCode}):\n${await readLog()}`);
      // TCP and UDP listeners open together; relay ports are ready once the log says so.
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
  return { host: HOST, port, secret, realm: REALM, relayPorts, url: `turn:${HOST}:${port}?transport=udp`, logFile, readLog, stop };
}
