import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createScratchDatabase } from '@parley/db';
import { PROTOCOL_VERSION, encodeFrame, parseServerFrame, type PublicUser } from '@parley/protocol';
import { startChild, tsNode, type Child } from '../child.ts';
import type { BenchConnection, BenchTarget, OnPayload } from '../target.ts';
import { closeSocket } from './ws.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const GATEWAY = join(ROOT, 'apps/gateway/src/main.ts');
const SIGN_UP_CONCURRENCY = 4;

export interface ParleyTargetOptions {
  /**
   * A Postgres server to create a fresh database on (dropped afterwards), e.g.
   * postgresql://postgres@127.0.0.1:5432/postgres. Without it the gateway starts its embedded
   * Postgres in a temporary folder, as `npm start` does.
   */
  adminDatabaseUrl?: string | undefined;
  /** Write a CPU profile of each gateway process into this folder. */
  profileDir?: string | undefined;
  /**
   * Gateway nodes (default 1). More than one needs `adminDatabaseUrl` and `redisUrl`: the
   * nodes share Postgres and fan out through Redis, and client i connects to node i % nodes.
   */
  nodes?: number;
  redisUrl?: string | undefined;
}

interface Identity {
  user: PublicUser;
  cookie: string;
}

/**
 * The real gateway (`apps/gateway/src/main.ts`, production mode) with its real Postgres. A
 * delivery is a `chat_event` (a new message) to another member, published only after it was
 * committed; the sender's `chat_ack` (durable) latency is reported as well.
 */
export function parleyTarget(options: ParleyTargetOptions = {}): BenchTarget {
  const nodeCount = options.nodes ?? 1;
  const children: Child[] = [];
  /** Each node's URL: its own origin is the one it allows. */
  const origins: string[] = [];
  let origin = '';
  let cleanup: () => Promise<void> = async () => undefined;
  const identities: Identity[][] = [];
  const conversations: string[] = [];
  const ackLatencies: number[] = [];
  const errors: string[] = [];

  async function trpc<T>(path: string, input: unknown, cookie?: string): Promise<{ data: T; setCookie: string | null }> {
    const res = await fetch(`${origin}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!body.result) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(body.error)}`);
    return { data: body.result.data, setCookie: res.headers.get('set-cookie') };
  }

  async function signUp(handle: string): Promise<Identity> {
    const res = await trpc<{ user: PublicUser }>('auth.signUp', { handle, displayName: handle, password: 'benchmark password' });
    const cookie = res.setCookie?.split(';')[0];
    if (!cookie) throw new Error(`auth.signUp for ${handle} set no session cookie`);
    return { user: res.data.user, cookie };
  }

  return {
    name: nodeCount === 1 ? 'Parley (durable)' : `Parley (durable), ${nodeCount} nodes + Redis`,
    delivery: options.adminDatabaseUrl
      ? 'committed to Postgres, then fanned out (an external Postgres: its CPU is not in the server column)'
      : 'committed to Postgres, then fanned out (embedded Postgres: its CPU is in the server column)',
    async start(rooms, clientsPerRoom) {
      if (nodeCount > 1 && (!options.adminDatabaseUrl || !options.redisUrl)) {
        throw new Error('Parley on several nodes needs a shared Postgres and Redis: pass --database-url and --redis-url');
      }
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.base.json'),
        NODE_ENV: 'production',
        PORT: '0',
        SERVE_WEB: 'false',
        // Tests sign up many users from one address: per-address limits out of the way (their own test sets them).
        SIGN_UP_PER_IP: '100000',
        SIGN_IN_PER_IP: '100000',
        LOG_LEVEL: 'warn',
      };
      const adminUrl = options.adminDatabaseUrl;
      if (adminUrl) {
        const scratch = await createScratchDatabase(adminUrl, 'parley_bench');
        env.DATABASE_URL = scratch.databaseUrl;
        cleanup = scratch.drop;
      } else {
        const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
        // As root, embedded Postgres runs as a `postgres` user, which must reach DATA_DIR/postgres.
        chmodSync(dataDir, 0o755);
        env.DATA_DIR = dataDir;
        cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
      }
      if (options.redisUrl && nodeCount > 1) env.REDIS_URL = options.redisUrl;
      for (let node = 0; node < nodeCount; node++) {
        const [command, args] = tsNode(GATEWAY);
        // A V8 CPU profile of the gateway, written when it stops (open it in Chrome DevTools).
        if (options.profileDir) args.unshift('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
        // One at a time: the first applies the migrations, the others find them done.
        const child = await startChild(command, args, {
          env: { ...env, NODE_ID: `bench-${node}-${process.pid}` },
          cwd: ROOT,
          readyPattern: /Parley is running at (http:\/\/\S+)/,
          timeoutMs: 120_000,
        });
        children.push(child);
        origins.push(child.ready);
      }
      origin = origins[0] ?? '';

      // Argon2id makes sign-up deliberately slow: a few at a time.
      const flat: Identity[] = [];
      const handles = Array.from({ length: rooms * clientsPerRoom }, (_, i) => `bench_${Math.floor(i / clientsPerRoom)}_${i % clientsPerRoom}`);
      for (let i = 0; i < handles.length; i += SIGN_UP_CONCURRENCY) {
        flat.push(...(await Promise.all(handles.slice(i, i + SIGN_UP_CONCURRENCY).map(signUp))));
      }
      for (let room = 0; room < rooms; room++) {
        const [owner, ...others] = flat.slice(room * clientsPerRoom, (room + 1) * clientsPerRoom);
        if (!owner) throw new Error('a room needs at least one client');
        identities.push([owner, ...others]);
        const group = await trpc<{ conversationId: string }>(
          'conversations.createGroup',
          { title: `Bench ${room}`, memberIds: others.map((m) => m.user.id) },
          owner.cookie,
        );
        conversations.push(group.data.conversationId);
      }
    },
    serverPids: () => {
      if (children.length === 0) throw new Error('start() the target first');
      return children.map((c) => c.pid);
    },
    connect(room: number, client: number, onPayload: OnPayload): Promise<BenchConnection> {
      const identity = identities[room]?.[client];
      const conversationId = conversations[room];
      if (!identity || !conversationId) throw new Error(`no client ${client} in room ${room}: start() made fewer`);
      const { user, cookie } = identity;
      const nodeOrigin = origins[client % origins.length] ?? origin;
      const socket = new WebSocket(`${nodeOrigin.replace(/^http/, 'ws')}/ws`, { headers: { cookie }, origin: nodeOrigin, perMessageDeflate: false });
      const pendingAcks = new Map<string, number>();
      let counter = 0;
      return new Promise((resolveConnect, reject) => {
        socket.once('error', reject);
        socket.once('open', () => socket.send(encodeFrame({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'parley-bench' })));
        socket.on('message', (data) => {
          const parsed = parseServerFrame(data.toString());
          if (!parsed.ok) return void errors.push(`unparseable frame: ${parsed.error.message}`);
          const frame = parsed.frame;
          if (frame.type === 'hello_ok') {
            resolveConnect({
              send(payload) {
                const clientId = `bench-${room}-${client}-${counter++}`;
                // From when the message was due (the payload's `t`), like the delivery latency.
                const due = JSON.parse(payload) as { t: number; m: number };
                if (due.m === 1) pendingAcks.set(clientId, due.t);
                socket.send(encodeFrame({ type: 'chat_send', clientId, conversationId, body: payload }));
              },
              close: () => closeSocket(socket),
            });
          } else if (frame.type === 'chat_event' && frame.event.kind === 'message_created' && frame.event.actorId !== user.id) {
            onPayload(frame.event.message.body);
          } else if (frame.type === 'chat_ack') {
            const sentAt = pendingAcks.get(frame.clientId);
            if (sentAt !== undefined) {
              pendingAcks.delete(frame.clientId);
              ackLatencies.push(performance.now() - sentAt);
            }
          } else if (frame.type === 'error') {
            errors.push(`${frame.code}: ${frame.message}`);
          }
        });
      });
    },
    errors: () => errors,
    extraSamples: () => ({ 'send → durable ack': ackLatencies }),
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
      await cleanup();
    },
  };
}
