import { AppError } from '@parley/protocol';
import type { PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUniqueViolation, isUuid } from './db-errors.ts';
import { toPublicUser } from './mappers.ts';

export interface NewUser {
  handle: string;
  displayName: string;
  passwordHash: string;
}

export type UserWithPassword = PublicUser & { passwordHash: string };

export async function createUser(db: Db, input: NewUser): Promise<PublicUser> {
  try {
    return toPublicUser(await db.prisma.user.create({ data: input }));
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('handle_taken');
    throw error;
  }
}

/** For sign-in only: the one read that returns the password hash. */
export async function findUserByHandle(db: Db, handle: string): Promise<UserWithPassword | null> {
  const user = await db.prisma.user.findUnique({ where: { handle } });
  // A deleted account's handle is scrubbed and it has no password; it can never sign in.
  return user && user.deletedAt === null ? { ...toPublicUser(user), passwordHash: user.passwordHash } : null;
}

/** Users that exist among `ids`, in no particular order; unknown ids are skipped. */
export async function getUsers(db: Db, ids: readonly string[]): Promise<PublicUser[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const users = await db.prisma.user.findMany({ where: { id: { in: valid } } });
  return users.map(toPublicUser);
}

export interface SearchUsersInput {
  query: string;
  excludeUserId?: string;
  limit: number;
}

/** Handle prefix, or display-name substring, case-insensitive; handle order. */
export async function searchUsers(db: Db, input: SearchUsersInput): Promise<PublicUser[]> {
  const query = input.query.trim();
  if (query.length === 0) return [];
  const users = await db.prisma.user.findMany({
    where: {
      OR: [
        { handle: { startsWith: query.toLowerCase() } },
        { displayName: { contains: query, mode: 'insensitive' } },
      ],
      ...(input.excludeUserId ? { NOT: { id: input.excludeUserId } } : {}),
      deletedAt: null,
    },
    orderBy: { handle: 'asc' },
    take: input.limit,
  });
  return users.map(toPublicUser);
}

/**
 * Stores when each user was last seen (their presence went offline), in one statement however
 * many: a crashed node's thousands of users are settled in a burst. Never moves a time back.
 */
export async function recordLastSeen(db: Db, seen: ReadonlyArray<{ userId: string; at: Date }>): Promise<void> {
  const valid = seen.filter((s) => isUuid(s.userId));
  if (valid.length === 0) return;
  await db.pool.query(
    `UPDATE users SET last_seen_at = GREATEST(users.last_seen_at, v.at)
       FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
      WHERE users.id = v.id`,
    [valid.map((s) => s.userId), valid.map((s) => s.at)],
  );
}

/** Stored lastSeenAt (ISO) for those users who have one: the durable fallback for presence. */
export async function lastSeenOf(db: Db, userIds: readonly string[]): Promise<Map<string, string>> {
  const ids = userIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  const { rows } = await db.pool.query<{ id: string; last_seen_at: Date }>(
    'SELECT id::text AS id, last_seen_at FROM users WHERE id = ANY($1::uuid[]) AND last_seen_at IS NOT NULL',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.last_seen_at.toISOString()] as const));
}
