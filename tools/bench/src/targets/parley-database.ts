import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, createGroupConversation, createScratchDatabase, migrate, startEmbeddedPostgres, type Db } from '@parley/db';
import { backendCpuMeter, treeCpuMeter, type CpuMeter } from '../postgres-cpu.ts';
import { postmasterPid } from '../process-stats.ts';
import type { Population } from '../target.ts';

/** The benchmark's Postgres: migrated, shared by every gateway start of one run. */
export interface BenchDatabase {
  databaseUrl: string;
  db: Db;
  cpu: CpuMeter;
  close(): Promise<void>;
}

/**
 * A fresh database on `adminUrl`'s server (dropped afterwards), or, without one, an embedded
 * Postgres (the one `npm start` runs) started here in a temporary folder, so that gateway
 * processes can come and go while the data stays.
 */
export async function openBenchDatabase(adminUrl: string | undefined, options: { migrationsDir?: string } = {}): Promise<BenchDatabase> {
  let databaseUrl: string;
  let cpu: CpuMeter;
  let release: () => Promise<void>;
  if (adminUrl) {
    const scratch = await createScratchDatabase(adminUrl, 'parley_bench');
    databaseUrl = scratch.databaseUrl;
    cpu = await backendCpuMeter(adminUrl, new URL(databaseUrl).pathname.slice(1)).catch(async (error: unknown) => {
      await scratch.drop();
      throw error;
    });
    release = scratch.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
    // As root, embedded Postgres runs as a `postgres` user, which must reach dir/postgres.
    chmodSync(dir, 0o755);
    const dataDir = join(dir, 'postgres');
    const embedded = await startEmbeddedPostgres({ dataDir });
    databaseUrl = embedded.databaseUrl;
    cpu = treeCpuMeter(postmasterPid(dataDir));
    release = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  // An older build's own migrations (`migrations/` beside its bundle): its schema, not this one's.
  await migrate(databaseUrl, options.migrationsDir ? { migrationsDir: options.migrationsDir } : {});
  const db = createDb({ databaseUrl, poolMax: 4 });
  return {
    databaseUrl,
    db,
    cpu,
    async close() {
      await cpu.close();
      await db.close();
      await release();
    },
  };
}

export interface SeededPopulation {
  /** `parley_session=…` per client. */
  cookies: string[];
  /** The group conversation of each room. */
  conversations: string[];
  /** The user of each client; room r's members are users r × roomSize onwards. */
  userIds: string[];
}

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
const ROWS_PER_INSERT = 1000;
const GROUPS_AT_ONCE = 4;

/**
 * Users, sessions and one group per room, written straight to Postgres: signing up thousands
 * over HTTP would spend minutes in argon2 and measure nothing the scenarios are about. The
 * tokens are made and hashed as `libs/api` does (session-token.ts: 32 random bytes,
 * base64url; SHA-256 hex stored); if that changes, every socket gets 4001 and the run fails
 * loudly. The password hash is a placeholder: these users cannot sign in with a password.
 */
export async function seedPopulation(db: Db, population: Population, tag: string): Promise<SeededPopulation> {
  const count = population.rooms * population.roomSize;
  const userIds: string[] = [];
  for (let from = 0; from < count; from += ROWS_PER_INSERT) {
    const handles = Array.from({ length: Math.min(ROWS_PER_INSERT, count - from) }, (_, k) => `b${tag}_${from + k}`);
    const rows = await db.prisma.user.createManyAndReturn({
      data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: '!bench-no-password' })),
      select: { id: true, handle: true },
    });
    const byHandle = new Map(rows.map((r) => [r.handle, r.id]));
    for (const handle of handles) userIds.push(byHandle.get(handle) ?? '');
  }
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  for (let from = 0; from < count; from += ROWS_PER_INSERT) {
    await db.prisma.session.createMany({
      data: userIds.slice(from, from + ROWS_PER_INSERT).map((userId, k) => ({
        userId,
        tokenHash: createHash('sha256').update(tokens[from + k] ?? '').digest('hex'),
        expiresAt,
      })),
    });
  }
  const conversations: string[] = new Array<string>(population.rooms);
  for (let from = 0; from < population.rooms; from += GROUPS_AT_ONCE) {
    const rooms = Array.from({ length: Math.min(GROUPS_AT_ONCE, population.rooms - from) }, (_, k) => from + k);
    await Promise.all(
      rooms.map(async (room) => {
        const members = userIds.slice(room * population.roomSize, (room + 1) * population.roomSize);
        const [creatorId = '', ...memberIds] = members;
        const group = await createGroupConversation(db, { creatorId, title: `Bench ${tag} ${room}`, memberIds });
        conversations[room] = group.conversationId;
      }),
    );
  }
  return { cookies: tokens.map((t) => `parley_session=${t}`), conversations, userIds };
}
