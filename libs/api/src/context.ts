import type { Db } from '@parley/db';
import type { KnownEvent, NotificationSettings, PublicUser } from '@parley/protocol';
import type { PasswordWork } from './auth/password-queue.ts';
import type { IceConfig } from './calls/ice-servers.ts';
import type { PushEndpointPolicy } from './push/push-endpoint.ts';

/**
 * What is throttled, and per what: sign-in per handle and per address, sign-up per address,
 * people search (`search`), message search and group creation per user, checks of a signed-in
 * user's password (password change, account deletion) per user.
 */
export type ThrottleKind = 'sign_in' | 'sign_up' | 'search' | 'message_search' | 'create_group' | 'password' | 'upload';

/**
 * Counts one attempt of `kind` (for sign-in, `subject` is the handle tried); rejects with
 * `AppError('rate_limited')` carrying `retryAfterMs` once a limit is exceeded. The HTTP layer
 * implements it (shared across nodes through Redis when configured).
 */
export type Throttle = (kind: ThrottleKind, subject?: string) => Promise<void>;

/** What the realtime side must hear about from the API; the gateway wires it to the hub. */
export interface ApiEvents {
  /**
   * Membership or title changed (committed). `memberIds` is the membership after the change;
   * `events` are what the change appended to the conversation's log (system messages), to be
   * published to its members, the removed ones included.
   */
  conversationChanged(change: {
    conversationId: string;
    memberIds: string[];
    addedUserIds: string[];
    removedUserIds: string[];
    events: KnownEvent[];
  }): void;
  /**
   * One member's own notification level in a conversation changed (committed): that user's
   * other devices refetch the conversation. Nobody else hears of it.
   */
  memberSettingsChanged(change: { userId: string; conversationId: string }): void;
  /** A user's account-wide settings (do-not-disturb, push content) changed: all their devices hear it. */
  settingsChanged(change: { userId: string } & NotificationSettings): void;
  /** A push subscription was stored: this node stops skipping push work (it may have had none). */
  pushSubscribed(): void;
  /** A session was revoked (sign-out): its sockets must close. */
  sessionRevoked(sessionId: string): void;
  /**
   * A user's public profile changed (display name, or the account became a tombstone): tell
   * their own sockets and `audienceIds` (everyone who shares a conversation with them).
   */
  userUpdated(user: PublicUser, audienceIds: readonly string[]): void;
  /**
   * An account was deleted: `audienceIds` see it offline now, not after the presence grace
   * (a tombstone must not show "online" for seconds after its sockets closed).
   */
  accountDeleted(userId: string, audienceIds: readonly string[]): void;
}

/** The session cookie, set and cleared by the HTTP adapter that owns the response. */
export interface SessionCookie {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

export interface ApiContext {
  db: Db;
  events: ApiEvents;
  cookie: SessionCookie;
  /** Null when the request carries no valid (unexpired, unrevoked) session. */
  session: { id: string; user: PublicUser } | null;
  /** True when the request passed the CSRF check (custom header + allowed Origin). */
  csrfOk: boolean;
  userAgent: string | undefined;
  /** The client's address (behind a proxy: per TRUST_PROXY); stored with a new session. */
  ip: string | undefined;
  sessionTtlMs: number;
  /** STUN/TURN servers for calls; the TURN secret stays server-side. */
  ice: IceConfig;
  /** argon2 hashing, through the node's bounded queue. */
  passwords: PasswordWork;
  throttle: Throttle;
  /** Members a group may have (MAX_GROUP_MEMBERS). */
  maxGroupMembers: number;
  /** Web Push: the VAPID public key (null: push is off) and where pushes may be sent. */
  push: { publicKey: string | null; endpoints: PushEndpointPolicy };
}
