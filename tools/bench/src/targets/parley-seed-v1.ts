import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '@parley/db';
import type { Population } from '../target.ts';
import type { SeededPopulation } from './parley-database.ts';

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
const ROWS_PER_INSERT = 1000;

/**
 * The same people as `seedPopulation` (users, sessions, one group per room), for a database on
 * a protocol-1 build's schema (before the event log, 625198a^): this code's Prisma client and
 * repositories expect today's tables, so the rows are written in plain SQL with only the
 * columns both schemas share. Group creation then wrote no system message, so none is made.
 */
export async function seedPopulationV1(db: Db, population: Population, tag: string): Promise<SeededPopulation> {
  const count = population.rooms * population.roomSize;
  const userIds = Array.from({ length: count }, () => randomUUID());
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  for (let from = 0; from < count; from += ROWS_PER_INSERT) {
    const ids = userIds.slice(from, from + ROWS_PER_INSERT);
    const handles = ids.map((_, k) => `b${tag}_${from + k}`);
    await db.pool.query(
      `INSERT INTO users (id, handle, display_name, password_hash)
       SELECT id, handle, handle, '!bench-no-password' FROM unnest($1::uuid[], $2::text[]) AS v(id, handle)`,
      [ids, handles],
    );
    await db.pool.query(
      `INSERT INTO sessions (id, user_id, token_hash, expires_at)
       SELECT gen_random_uuid(), user_id, token_hash, $3 FROM unnest($1::uuid[], $2::text[]) AS v(user_id, token_hash)`,
      [ids, ids.map((_, k) => createHash('sha256').update(tokens[from + k] ?? '').digest('hex')), expiresAt],
    );
  }
  const conversations = Array.from({ length: population.rooms }, () => randomUUID());
  for (let from = 0; from < population.rooms; from += ROWS_PER_INSERT) {
    const rooms = conversations.slice(from, from + ROWS_PER_INSERT);
    await db.pool.query(
      `INSERT INTO conversations (id, kind, title, created_by_id)
       SELECT id, 'group', title, creator FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS v(id, title, creator)`,
      [rooms, rooms.map((_, k) => `Bench ${tag} ${from + k}`), rooms.map((_, k) => userIds[(from + k) * population.roomSize])],
    );
  }
  for (let from = 0; from < count; from += ROWS_PER_INSERT) {
    const ids = userIds.slice(from, from + ROWS_PER_INSERT);
    await db.pool.query(
      `INSERT INTO members (conversation_id, user_id) SELECT cid, uid FROM unnest($1::uuid[], $2::uuid[]) AS v(cid, uid)`,
      [ids.map((_, k) => conversations[Math.floor((from + k) / population.roomSize)]), ids],
    );
  }
  return { cookies: tokens.map((t) => `parley_session=${t}`), conversations, userIds };
}
