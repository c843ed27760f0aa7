import type { Logger } from 'pino';
import type { Db, MessageWriter } from '@parley/db';
import type { Hub, PresenceTracker } from '@parley/realtime';
import type { CallService } from './calls/call-service.ts';
import type { Metrics } from './http/metrics.ts';
import type { SessionActivity } from './access/session-activity.ts';
import type { Admission } from './ws/admission.ts';
import type { Liveness } from './ws/liveness.ts';
import type { BlobStore } from './files/blob-store.ts';
import type { DirectUploads } from './files/direct-upload.ts';
import type { FileIngest } from './files/ingest.ts';
import type { FileSweep } from './files/file-sweep.ts';
import type { PushService } from './push/push-service.ts';
import type { ActiveViews } from './push/active-views.ts';
import type { ReadStateAnnouncer } from './read-states.ts';
import type { TypingAnnouncer } from './typing-updates.ts';

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
  /** File bytes (local disk or S3), uploads in, and the sweep of unreachable files (files/). */
  files: { store: BlobStore; ingest: FileIngest; direct: DirectUploads; sweep: FileSweep; maxUploadBytes: number };
  /** Web Push caused by committed events (push/push-service.ts). */
  push: PushService;
  /** Which conversation each socket shows in a focused window, for push deduplication. */
  activeViews: ActiveViews;
  /** Read positions to every member, coalesced per conversation (read-states.ts). */
  readStates: ReadStateAnnouncer;
  /** Typing indicators to every member, coalesced per conversation (typing-updates.ts). */
  typingUpdates: TypingAnnouncer;
}
