import { createTurnCredentials } from './turn-credentials.ts';

/** TURN relay config; `secret` is coturn's `static-auth-secret` and is never sent to clients. */
export interface TurnConfig {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

/** ICE configuration handed to the API by the gateway's config module. */
export interface IceConfig {
  stunUrls: string[];
  /** Null when no TURN secret is configured: clients get STUN only. */
  turn: TurnConfig | null;
}

/** Shape of RTCIceServer that browsers and werift both accept. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceServersResult {
  iceServers: IceServer[];
  /** ISO time the TURN credential stops working; null when there is no TURN entry. */
  expiresAt: string | null;
}

export function iceServersFor(ice: IceConfig, userId: string, now: Date = new Date()): IceServersResult {
  const iceServers: IceServer[] = [];
  if (ice.stunUrls.length > 0) iceServers.push({ urls: [...ice.stunUrls] });
  const { turn } = ice;
  if (!turn || turn.urls.length === 0) return { iceServers, expiresAt: null };
  const { username, credential, expiresAt } = createTurnCredentials({
    secret: turn.secret,
    userId,
    ttlSeconds: turn.ttlSeconds,
    now,
  });
  iceServers.push({ urls: [...turn.urls], username, credential });
  return { iceServers, expiresAt: expiresAt.toISOString() };
}
