import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Hub } from '@parley/realtime';
import type { MessageWriter } from '@parley/db';
import type { Admission } from '../ws/admission.ts';
import type { Liveness } from '../ws/liveness.ts';
import type { PushService } from '../push/push-service.ts';

export interface Metrics {
  registry: Registry;
  wsFrames: Counter<'type'>;
  wsErrors: Counter<'code'>;
  wsConnections: Counter<'outcome'>;
  messagesCommitted: Counter;
}

/** One registry per app instance (never the global default), so tests can build many apps. */
export function createMetrics(sources: { hub: Hub; writer: MessageWriter; admission: Admission; liveness: Liveness; push?: PushService }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  gauge('parley_ws_sockets', 'Open, authenticated WebSocket connections on this node', () => sources.hub.stats().sockets);
  gauge('parley_ws_users', 'Distinct users connected to this node', () => sources.hub.stats().users);
  gauge('parley_hub_conversations', 'Conversations with at least one local subscriber', () => sources.hub.stats().conversations);
  gauge('parley_hub_delivered_frames', 'Frames written to local sockets by fan-out (monotonic)', () => sources.hub.stats().delivered);
  gauge('parley_slow_consumer_closes', 'Sockets closed for exceeding the send buffer (monotonic)', () => sources.hub.stats().slowConsumerCloses);
  gauge('parley_hub_resyncs', 'chat_resync frames sent to local sockets after a bus outage (monotonic)', () => sources.hub.stats().resyncs);
  gauge('parley_writer_flushes', 'Message writer transactions committed (monotonic)', () => sources.writer.stats().flushes);
  gauge('parley_writer_rows', 'Messages inserted by the writer (monotonic)', () => sources.writer.stats().rows);
  gauge('parley_writer_queued', 'Sends waiting for their commit on this node', () => sources.writer.stats().queued);
  gauge('parley_ws_starting', 'Sockets doing their start-up queries (session lookup, hello) now', () => sources.admission.stats().running);
  gauge('parley_ws_start_queued', 'Sockets waiting for their turn to start', () => sources.admission.stats().queued);
  gauge('parley_ws_start_refused', 'Sockets refused (1013) because too many were starting (monotonic)', () => sources.admission.stats().refused);
  gauge('parley_ws_dead_terminated', 'Sockets ended because they were silent too long (monotonic)', () => sources.liveness.stats().terminated);
  gauge('parley_writer_contended', 'Conversations whose sends wait for a lock held elsewhere', () => sources.writer.stats().contended);
  const push = sources.push;
  if (push) {
    gauge('parley_push_sent', 'Pushes accepted by a push service (monotonic)', () => push.stats().sent);
    gauge('parley_push_gone', 'Pushes answered 404/410; the subscription was deleted (monotonic)', () => push.stats().gone);
    gauge('parley_push_failed', 'Pushes refused, timed out or unreachable (monotonic)', () => push.stats().failed);
    gauge('parley_push_dropped', 'Push jobs dropped because the queue was full (monotonic)', () => push.stats().dropped);
    gauge('parley_push_queued', 'Push jobs queued or running on this node', () => push.stats().queued);
  }
  return {
    registry,
    wsFrames: new Counter({ name: 'parley_ws_frames_total', help: 'Valid client frames by type', labelNames: ['type'], registers: [registry] }),
    wsErrors: new Counter({ name: 'parley_ws_errors_total', help: 'Error frames sent, by code', labelNames: ['code'], registers: [registry] }),
    wsConnections: new Counter({ name: 'parley_ws_upgrades_total', help: 'WebSocket upgrades by outcome', labelNames: ['outcome'], registers: [registry] }),
    messagesCommitted: new Counter({ name: 'parley_messages_committed_total', help: 'Messages committed and published', registers: [registry] }),
  };
}
