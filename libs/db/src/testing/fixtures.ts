import { randomBytes } from 'node:crypto';
import type { PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { createUser } from '../repos/users.ts';

/** A user with a unique handle (`<prefix>_<hex>`); the password hash is a placeholder. */
export function createTestUser(db: Db, prefix = 'user', displayName?: string): Promise<PublicUser> {
  const handle = `${prefix}_${randomBytes(3).toString('hex')}`;
  return createUser(db, { handle, displayName: displayName ?? handle, passwordHash: 'not-a-real-hash' });
}

/** A client id that satisfies ClientIdSchema. */
export function testClientId(): string {
  return `c_${randomBytes(8).toString('hex')}`;
}
