import { createHmac } from 'node:crypto';

/** Short on purpose: a leaked credential relays for at most this long. */
export const DEFAULT_TURN_TTL_SECONDS = 600;

export interface TurnCredentialsInput {
  /** coturn's `static-auth-secret`; never leaves the server. */
  secret: string;
  userId: string;
  ttlSeconds: number;
  now?: Date;
}

export interface TurnCredentials {
  /** `<unix expiry seconds>:<userId>`: coturn reads the expiry before the first `:`. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)), what coturn recomputes under `use-auth-secret`. */
  credential: string;
  expiresAt: Date;
}

/**
 * Ephemeral TURN credentials in the TURN REST API scheme
 * (draft-uberti-behave-turn-rest-00), the one coturn's `--use-auth-secret` verifies.
 * Nothing is stored: coturn re-derives the password from the username and the shared secret.
 */
export function createTurnCredentials({
  secret,
  userId,
  ttlSeconds,
  now = new Date(),
}: TurnCredentialsInput): TurnCredentials {
  if (secret.length === 0) throw new Error('TURN secret must not be empty');
  if (userId.length === 0) throw new Error('TURN userId must not be empty');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new Error(`TURN ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  const expirySeconds = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expirySeconds}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expirySeconds * 1000) };
}
