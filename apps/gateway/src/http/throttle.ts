import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { Throttle, ThrottleKind } from '@parley/api';
import { AppError } from '@parley/protocol';

/** One limit: at most `max` attempts per `windowMs`; each attempt past it doubles the wait. */
export interface Limit {
  max: number;
  windowMs: number;
}

export interface ThrottleLimits {
  signInPerHandle: Limit;
  signInPerAddress: Limit;
  signUpPerAddress: Limit;
  searchPerUser: Limit;
  /** messages.search: its own budget, so a search page (people and messages) costs one of each. */
  messageSearchPerUser: Limit;
  groupsPerUser: Limit;
  /** Current-password checks of a signed-in user (password change, account deletion). */
  passwordPerUser: Limit;
  /** Files uploaded (POST /files) by one person: nobody fills the disk in a loop. */
  uploadsPerUser: Limit;
}

type KeyedRequest = FastifyRequest & { parleyThrottleKey: string };

/**
 * The API's throttle on @fastify/rate-limit (its store is Redis when the app registered the
 * plugin with one, so every node counts together). Keys carry their kind: the library's store
 * prefix is the same for every limiter made with createRateLimit. Past a limit the wait doubles
 * with each further attempt (exponentialBackoff), and the refusal says how long: `retryAfterMs`
 * in the error, `Retry-After` on the response. When the shared store fails (Redis down or
 * hanging) this node counts alone meanwhile: limits stay enforced, just per node.
 */
export function createThrottle(app: FastifyInstance, limits: ThrottleLimits, onStoreError: (error: unknown) => void) {
  const limiter = (limit: Limit) => {
    // exponentialBackoff is honoured by createRateLimit's store though its type leaves it out.
    const options: RateLimitOptions = {
      max: limit.max,
      timeWindow: limit.windowMs,
      exponentialBackoff: true,
      keyGenerator: (req) => (req as KeyedRequest).parleyThrottleKey,
    };
    return app.createRateLimit(options);
  };
  const byKind = {
    signInHandle: limiter(limits.signInPerHandle),
    signInAddress: limiter(limits.signInPerAddress),
    signUpAddress: limiter(limits.signUpPerAddress),
    searchUser: limiter(limits.searchPerUser),
    messageSearchUser: limiter(limits.messageSearchPerUser),
    groupsUser: limiter(limits.groupsPerUser),
    passwordUser: limiter(limits.passwordPerUser),
    uploadsUser: limiter(limits.uploadsPerUser),
  };
  const limitOf: Record<keyof typeof byKind, Limit> = {
    signInHandle: limits.signInPerHandle,
    signInAddress: limits.signInPerAddress,
    signUpAddress: limits.signUpPerAddress,
    searchUser: limits.searchPerUser,
    messageSearchUser: limits.messageSearchPerUser,
    groupsUser: limits.groupsPerUser,
    passwordUser: limits.passwordPerUser,
    uploadsUser: limits.uploadsPerUser,
  };
  const fallback = new LocalCounter();

  // The in-memory store hands every caller of one key the same mutable counter, read after an
  // await: attempts made in the same tick (a batch) would all see the last count. One at a time
  // per key, each sees its own.
  const tails = new Map<string, Promise<unknown>>();
  function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  }

  /** Throttle for one request: `userId` is the session's user (search, groups), when there is one. */
  return (req: FastifyRequest, onRefused: (retryAfterSeconds: number) => void, userId?: string): Throttle => {
    const check = async (limit: keyof typeof byKind, key: string, what = 'Too many attempts') => {
      // One object per check: batched calls of one request run at once, each with its own key.
      const keyed = Object.assign(Object.create(req) as FastifyRequest, { parleyThrottleKey: key });
      let refusedForMs: number | undefined;
      try {
        const result = await inTurn(key, () => byKind[limit](keyed));
        if (!result.isAllowed && result.isExceeded) refusedForMs = result.ttl;
      } catch (error) {
        onStoreError(error);
        refusedForMs = fallback.hit(key, limitOf[limit], Date.now());
      }
      if (refusedForMs === undefined) return;
      const seconds = Math.ceil(refusedForMs / 1000);
      onRefused(seconds);
      throw new AppError('rate_limited', `${what}, try again in ${formatWait(seconds)}`, { retryAfterMs: refusedForMs });
    };
    return async (kind: ThrottleKind, subject?: string) => {
      switch (kind) {
        case 'sign_in':
          await check('signInAddress', `sign_in:ip:${req.ip}`);
          await check('signInHandle', `sign_in:handle:${subject ?? ''}`);
          return;
        case 'sign_up':
          return check('signUpAddress', `sign_up:ip:${req.ip}`);
        case 'search':
          return check('searchUser', `search:${userId ?? `ip:${req.ip}`}`);
        case 'message_search':
          return check('messageSearchUser', `message_search:${userId ?? `ip:${req.ip}`}`, 'Too many searches');
        case 'create_group':
          return check('groupsUser', `create_group:${userId ?? `ip:${req.ip}`}`, 'Too many new groups');
        case 'password':
          return check('passwordUser', `password:${subject ?? userId ?? `ip:${req.ip}`}`);
        case 'upload':
          return check('uploadsUser', `upload:${userId ?? `ip:${req.ip}`}`, 'Too many files');
      }
    };
  };
}

/** "45 seconds", "15 minutes", "2 hours": the refusal is shown to people as it is. */
export function formatWait(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 90) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 90 * 60) return plural(Math.ceil(seconds / 60), 'minute');
  return plural(Math.ceil(seconds / 3600), 'hour');
}

/**
 * This node's own count, used only while the shared store fails: a fixed window per key whose
 * wait doubles with each attempt past the limit, like the store's. Expired keys are dropped as
 * they are met and on a sweep once the map grows, so an outage cannot grow it without bound.
 */
export class LocalCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private static readonly SWEEP_AT = 10_000;

  /** Counts one attempt; returns how long it must wait (ms) when it is past the limit. */
  hit(key: string, limit: Limit, now: number): number | undefined {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (this.windows.size >= LocalCounter.SWEEP_AT) this.sweep(now);
      window = { count: 0, endsAt: now + limit.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= limit.max) return undefined;
    window.endsAt = now + limit.windowMs * 2 ** (window.count - limit.max - 1);
    return window.endsAt - now;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
