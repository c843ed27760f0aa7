// What idle sockets cost a Parley gateway: N authenticated sockets that say nothing, and the
// gateway process' CPU while they sit there (its liveness pings, their pongs, presence and
// other timers). See tools/bench/README.md, "Idle sockets".
//
//   npx tsx --tsconfig tsconfig.base.json tools/bench/src/idle.ts --sockets 5000 --duration 60 \
//     --database-url postgresql://postgres@127.0.0.1:5432/postgres
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { createScratchDatabase } from '@parley/db';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { existsSync } from 'node:fs';
import { jsNode, startChild } from './child.ts';
import { cpuSeconds, rssMiB } from './process-stats.ts';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL },
  },
});
const SOCKETS = Number(values.sockets);
const DURATION_MS = Number(values.duration) * 1000;
const WARMUP_MS = Number(values.warmup) * 1000;
const adminUrl = values['database-url'];
if (!adminUrl) throw new Error('--database-url (or BENCH_DATABASE_URL) is required: an admin URL of a Postgres to create a scratch database on');

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const CONNECT_BATCH = 200;
/** Sign-ups hash a password (argon2id): a few users, each with many idle devices. */
const SOCKETS_PER_USER = 25;
const SIGN_UP_CONCURRENCY = 4;

const scratch = await createScratchDatabase(adminUrl, 'parley_idle');
// The production build, as deployed (see targets/parley.ts for why not the sources via tsx).
const built = join(ROOT, 'dist/apps/gateway/main.js');
if (!existsSync(built)) throw new Error(`No production build at ${built}: run npx nx run gateway:build`);
const [command, args] = jsNode(built);
const gateway = await startChild(command, args, {
  cwd: ROOT,
  env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', SERVE_WEB: 'false', LOG_LEVEL: 'warn', DATABASE_URL: scratch.databaseUrl },
  readyPattern: /Parley is running at (http:\/\/\S+)/,
});
const sockets: WebSocket[] = [];
try {
  const origin = gateway.ready;
  const signUp = async (i: number): Promise<string> => {
    const res = await fetch(`${origin}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin },
      body: JSON.stringify({ handle: `idle_${i}`, displayName: `Idle ${i}`, password: 'benchmark password' }),
    });
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`sign-up ${i} failed: HTTP ${res.status}`);
    return cookie;
  };
  const cookies: string[] = [];
  const users = Math.ceil(SOCKETS / SOCKETS_PER_USER);
  for (let start = 0; start < users; start += SIGN_UP_CONCURRENCY) {
    cookies.push(...(await Promise.all(Array.from({ length: Math.min(SIGN_UP_CONCURRENCY, users - start) }, (_, k) => signUp(start + k)))));
  }

  const url = `${origin.replace(/^http/, 'ws')}/ws`;
  let pings = 0;
  for (let start = 0; start < SOCKETS; start += CONNECT_BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(CONNECT_BATCH, SOCKETS - start) }, async (_, k) => {
        const ws = new WebSocket(url, { headers: { cookie: cookies[(start + k) % cookies.length] ?? '' }, origin });
        sockets.push(ws);
        ws.on('ping', () => (pings += 1));
        await new Promise<void>((resolveOpen, reject) => {
          ws.once('error', reject);
          ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'idle' })));
          ws.on('message', (data: Buffer) => {
            if (data.toString('utf8').startsWith('{"type":"hello_ok"')) resolveOpen();
          });
        });
      }),
    );
  }
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const cpuBefore = cpuSeconds(gateway.pid);
  const pingsBefore = pings;
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const cpuMs = (cpuSeconds(gateway.pid) - cpuBefore) * 1000;
  const closed = sockets.filter((ws) => ws.readyState !== ws.OPEN).length;
  console.log(
    [
      `${SOCKETS} idle authenticated sockets, ${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s:`,
      `  gateway CPU: ${cpuMs.toFixed(0)} ms = ${((cpuMs / DURATION_MS) * 100).toFixed(2)} % of one core`,
      `  per socket: ${((cpuMs * 1000) / SOCKETS / (DURATION_MS / 1000)).toFixed(1)} µs of CPU per second`,
      `  WebSocket pings received by the clients: ${pings - pingsBefore} (${((pings - pingsBefore) / SOCKETS / (DURATION_MS / 1000)).toFixed(3)} per socket per second)`,
      `  gateway RSS: ${rssMiB(gateway.pid).toFixed(0)} MiB; sockets closed meanwhile: ${closed}`,
    ].join('\n'),
  );
} finally {
  for (const ws of sockets) ws.terminate();
  await gateway.stop();
  await scratch.drop();
}
