import type { Logger } from 'pino';
import type { Db, MessageWriter } from '@parley/db';
import type { Hub, PresenceTracker } from '@parley/realtime';
import type { CallService } from './calls/call-service.ts';
import type { Metrics } from './http/metrics.ts';
import type { SessionActivity } from './access/session-activity.ts';
import type { Admission } from './ws/admission.ts';
import type { Liveness } from './ws/liveness.ts';

/**
 * What one user may hold, so no account can exhaust a node or make a group nobody can load.
 * Refusals are clear errors (PROTOCOL.md §13).
 */
export interface Caps {
  /** Sockets one user may have open on one node; the next hello is refused (close 1013). */
  socketsPerUser: number;
  /** Members a group may have; adding past it is refused with `conflict`. */
  groupMembers: number;
}

/** Long-lived services the HTTP and WebSocket handlers share; built once in server.ts. */
export interface GatewayDeps {
  db: Db;
  writer: MessageWriter;
  hub: Hub;
  presence: PresenceTracker;
  calls: CallService;
  logger: Logger;
  metrics: Metrics;
  /** Bounds how many sockets do their start-up database work at once (ws/admission.ts). */
  admission: Admission;
  /** Pings silent sockets and ends dead ones (ws/liveness.ts). */
  liveness: Liveness;
  caps: Caps;
  /** Records sessions' last use for the Sessions page (access/session-activity.ts). */
  sessionActivity: SessionActivity;
}
