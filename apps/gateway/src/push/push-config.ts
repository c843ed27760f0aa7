import type { PushEndpointPolicy } from '@parley/api';

export interface PushConfig {
  /** From VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY; null: the pair stored in Postgres (made at first start). */
  vapid: { publicKey: string; privateKey: string } | null;
  /** VAPID `sub` claim: a mailto: or https: contact for the push services. */
  subject: string;
  endpoints: PushEndpointPolicy;
  /** Requests to push services at once, per node. */
  sendConcurrency: number;
  /** A push service that has not answered after this long is given up on. */
  timeoutMs: number;
  /** Pushes waiting per node; past it new ones are dropped (and counted). */
  maxQueued: number;
}
