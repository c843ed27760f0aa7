import type { PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { toPublicUser } from './mappers.ts';

export interface NewSession {
  userId: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
  userAgent?: string;
}

export interface SessionInfo {
  id: string;
  userId: string;
  /** ISO 8601. */
  expiresAt: string;
}

export async function createSession(db: Db, input: NewSession): Promise<SessionInfo> {
  const session = await db.prisma.session.create({
    data: {
      userId: input.userId,
      tokenHash: input.tokenHash,
      expiresAt: input.expiresAt,
      userAgent: input.userAgent ?? null,
    },
  });
  return { id: session.id, userId: session.userId, expiresAt: session.expiresAt.toISOString() };
}

/** The session for a token hash if it is neither revoked nor expired, with its user. */
export async function findActiveSession(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionInfo; user: PublicUser } | null> {
  const session = await db.prisma.session.findFirst({
    where: { tokenHash, revokedAt: null, expiresAt: { gt: new Date() } },
    include: { user: true },
  });
  if (!session) return null;
  return {
    session: { id: session.id, userId: session.userId, expiresAt: session.expiresAt.toISOString() },
    user: toPublicUser(session.user),
  };
}

/** Idempotent: revoking twice keeps the first revocation time. */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}
