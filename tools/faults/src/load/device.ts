// One device of one person: the real SDK (`@parley/client`: outbox, sequencer) over `ws`, a
// `ConversationTimeline` per conversation, and a record of everything the checker needs:
// what was written and in which order, every answer, every event delivered, and the raw
// frames the server sent (seen before the SDK sees them).
import {
  ConversationTimeline,
  createParleyClient,
  type OutboxAction,
  type OutboxEntry,
  type ParleyClient,
  type ParleyClientError,
} from '@parley/client';
import type { ConversationEvent, ServerFrame } from '@parley/protocol';
import type { Router } from '../env/router.ts';
import type { Session } from './http.ts';

/** One action as the person wrote it. */
export interface Written {
  clientId: string;
  conversationId: string;
  action: OutboxAction;
  at: number;
}

export interface Answer {
  at: number;
  /** The committed event; absent when the action was already in effect (nothing written). */
  event?: ConversationEvent;
}

export interface Failure {
  at: number;
  reason: string;
  code?: string;
}

export interface Delivered {
  seq: number;
  at: number;
  event: ConversationEvent;
}

export interface Close {
  at: number;
  code: number;
  reason: string;
  node: string;
}

export interface Device {
  readonly label: string;
  readonly session: Session;
  readonly userId: string;
  /** Index of the node its load balancer prefers. */
  readonly home: number;
  readonly client: ParleyClient;
  readonly conversations: readonly string[];
  readonly written: Written[];
  readonly acks: Map<string, Answer>;
  readonly failures: Map<string, Failure>;
  readonly delivered: Map<string, Delivered[]>;
  readonly timelines: Map<string, ConversationTimeline>;
  /** chat_resync frames: when, which conversations. */
  readonly resyncs: Array<{ at: number; conversationIds: string[]; node: string }>;
  readonly hellos: Array<{ at: number; node: string }>;
  readonly closes: Close[];
  /** Live chat_event frames as they arrived on the wire (before any dedupe), per conversation. */
  readonly liveFrames: Array<{ at: number; conversationId: string; seq: number; node: string }>;
  /** `error` frames the server sent, by when and code (action answers included). */
  readonly errorFrames: Array<{ at: number; code: string; ref?: string }>;
  /** `chat_ack` frames with `duplicate: true`: a resend of an action that had been committed. */
  readonly duplicateAcks: string[];
  /** SDK `error` events (errors not tied to an action). */
  readonly clientErrors: ParleyClientError[];
  /** Conversations this device was told it left (conversation_changed removed). */
  readonly removedFrom: Map<string, number>;
  /** The node its current socket is on, if any. */
  readonly node: string | undefined;
  /** The SDK stopped for good (4001 and the like): when and why. */
  readonly stopped: { at: number; code: number; reason: string } | undefined;
  connect(): void;
  act(conversationId: string, action: OutboxAction): OutboxEntry;
  close(): void;
}

export function createDevice(options: { label: string; session: Session; home: number; router: Router; conversations: readonly string[] }): Device {
  const written: Written[] = [];
  const acks = new Map<string, Answer>();
  const failures = new Map<string, Failure>();
  const delivered = new Map<string, Delivered[]>();
  const timelines = new Map<string, ConversationTimeline>();
  const resyncs: Device['resyncs'] = [];
  const hellos: Device['hellos'] = [];
  const closes: Close[] = [];
  const liveFrames: Device['liveFrames'] = [];
  const errorFrames: Device['errorFrames'] = [];
  const clientErrors: ParleyClientError[] = [];
  const duplicateAcks: string[] = [];
  const removedFrom = new Map<string, number>();
  let node: string | undefined;
  let stopped: Device['stopped'];

  const tap = {
    opened: () => undefined,
    frame(frame: ServerFrame, nodeId: string) {
      const at = Date.now();
      switch (frame.type) {
        case 'hello_ok':
          node = nodeId;
          hellos.push({ at, node: nodeId });
          return;
        case 'chat_resync':
          resyncs.push({ at, conversationIds: frame.conversationIds, node: nodeId });
          return;
        case 'chat_event':
          liveFrames.push({ at, conversationId: frame.event.conversationId, seq: frame.event.seq, node: nodeId });
          return;
        case 'chat_ack':
          if (frame.duplicate) duplicateAcks.push(frame.clientId);
          return;
        case 'error':
          errorFrames.push({ at, code: frame.code, ...(frame.ref !== undefined ? { ref: frame.ref } : {}) });
          return;
        case 'conversation_changed':
          if (frame.change === 'removed' && !removedFrom.has(frame.conversationId)) removedFrom.set(frame.conversationId, at);
          return;
        // Presence, typing, receipts, calls, settings and the answers the SDK consumes: not what is checked here.
        case 'pong':
        case 'chat_sync_result':
        case 'read_state':
        case 'read_state_batch':
        case 'presence':
        case 'presence_batch':
        case 'presence_snapshot':
        case 'typing_update':
        case 'typing_batch':
        case 'user_updated':
        case 'call_ring':
        case 'call_update':
        case 'call_signal_in':
        case 'settings_changed':
          return;
      }
    },
    closed(code: number, reason: string, nodeId: string) {
      node = undefined;
      closes.push({ at: Date.now(), code, reason, node: nodeId });
    },
  };

  const client = createParleyClient({
    url: 'ws://routed-by-the-suite/ws',
    WebSocket: options.router.socketClass(options.home, tap),
    webSocketOptions: { headers: { cookie: options.session.cookie } },
    clientName: `parley-faults/${options.label}`,
  });

  for (const conversationId of options.conversations) {
    timelines.set(conversationId, new ConversationTimeline(conversationId));
    delivered.set(conversationId, []);
  }
  client.on('event', (event) => {
    let timeline = timelines.get(event.conversationId);
    if (!timeline) {
      timeline = new ConversationTimeline(event.conversationId);
      timelines.set(event.conversationId, timeline);
    }
    timeline.apply(event);
    let list = delivered.get(event.conversationId);
    if (!list) delivered.set(event.conversationId, (list = []));
    list.push({ seq: event.seq, at: Date.now(), event });
  });
  client.on('send_state', (entry) => {
    if (entry.state === 'sent') acks.set(entry.clientId, { at: Date.now(), ...(entry.event ? { event: entry.event } : {}) });
    if (entry.state === 'failed' && entry.reason) {
      failures.set(entry.clientId, { at: Date.now(), reason: entry.reason, ...(entry.error?.code ? { code: entry.error.code } : {}) });
    }
  });
  client.on('error', (error) => clientErrors.push(error));
  client.on('closed', (info) => {
    if (!info.willReconnect) stopped = { at: Date.now(), code: info.code, reason: info.reason };
  });

  return {
    label: options.label,
    session: options.session,
    userId: options.session.user.id,
    home: options.home,
    client,
    conversations: options.conversations,
    written,
    acks,
    failures,
    delivered,
    timelines,
    resyncs,
    hellos,
    closes,
    liveFrames,
    errorFrames,
    clientErrors,
    duplicateAcks,
    removedFrom,
    get node() {
      return node;
    },
    get stopped() {
      return stopped;
    },
    connect() {
      // From the start of each log: every event of every conversation must reach this device.
      for (const conversationId of options.conversations) client.track(conversationId, 0);
      client.connect();
    },
    act(conversationId, action) {
      const at = Date.now();
      const entry =
        action.type === 'send'
          ? client.send(conversationId, action.body, action.replyTo ? { replyTo: action.replyTo } : {})
          : action.type === 'edit'
            ? client.edit(conversationId, action.messageId, action.body)
            : action.type === 'delete'
              ? client.delete(conversationId, action.messageId)
              : client.react(conversationId, action.messageId, action.emoji, action.action);
      written.push({ clientId: entry.clientId, conversationId, action, at });
      return entry;
    },
    close() {
      client.close();
    },
  };
}
