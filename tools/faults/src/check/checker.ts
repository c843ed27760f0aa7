// The Jepsen-style checker: what the clients were told and saw, against what Postgres holds.
// Pure: it takes records and the stored log, so its own tests can feed it broken histories.
import type { ConversationEvent, Message } from '@parley/protocol';
import type { OutboxAction } from '@parley/client';
import { clientKey, type LogEntry, type StoredLog } from './log.ts';

export interface DeviceRecord {
  label: string;
  userId: string;
  /** Actions in the order they were written. */
  written: ReadonlyArray<{ clientId: string; conversationId: string; action: OutboxAction; at: number }>;
  acks: ReadonlyMap<string, { at: number; event?: ConversationEvent }>;
  /** The outbox at the end: what was neither acked nor cancelled. */
  outbox: ReadonlyArray<{ clientId: string; conversationId: string; state: string; reason?: string }>;
  /** Events the SDK delivered, in delivery order, per conversation. */
  delivered: ReadonlyMap<string, ReadonlyArray<{ seq: number; event: ConversationEvent }>>;
  /** The device's folded state per conversation (`ConversationTimeline.messages`). */
  timelines: ReadonlyMap<string, readonly Message[]>;
  /** Conversations it belongs to for the whole scenario. */
  conversations: readonly string[];
  /** Conversations it was removed from during the scenario: only order and uniqueness are checked. */
  revoked: ReadonlySet<string>;
  /** Signed out on purpose: its deliveries end early (a gapless prefix), unsent actions wait for a sign-in. */
  signedOut: boolean;
  /** Codes of SDK `error` events. */
  clientErrorCodes: readonly string[];
}

export interface CheckInput {
  devices: readonly DeviceRecord[];
  log: StoredLog;
  /** Server state per conversation (`messages.history`), for the fold comparison. */
  histories: ReadonlyMap<string, readonly Message[]>;
  /** Reasons an action may fail for in this scenario (non-retryable, documented). */
  expectedFailures: ReadonlySet<string>;
  /** Client error codes this scenario may cause. */
  expectedClientErrors: ReadonlySet<string>;
  unplannedExits: readonly string[];
  uncaught: readonly string[];
}

export interface Counts {
  written: number;
  acked: number;
  /** Acked without an event: already in effect, nothing written. */
  ackedNoop: number;
  failedByReason: Record<string, number>;
  lost: number;
  duplicated: number;
  misplaced: number;
  orderViolations: number;
  deliveryMissing: number;
  deliveryDuplicates: number;
  deliveryWrong: number;
  foldMismatches: number;
  /** Messages compared between a device's fold and the server's history (not a violation). */
  messagesCompared: number;
  logGaps: number;
  unexplainedOutbox: number;
  failedButStored: number;
  unexpectedFailures: number;
  unexpectedClientErrors: number;
  unplannedExits: number;
  uncaught: number;
}

export interface CheckResult {
  counts: Counts;
  /** Human-readable evidence, the first few of each kind. */
  violations: string[];
}

const MAX_EVIDENCE_PER_KIND = 5;

const KIND_OF_ACTION: Record<OutboxAction['type'], readonly string[]> = {
  send: ['message_created'],
  edit: ['message_edited'],
  delete: ['message_deleted'],
  react: ['reaction_added', 'reaction_removed'],
};

export function check(input: CheckInput): CheckResult {
  const counts: Counts = {
    written: 0, acked: 0, ackedNoop: 0, failedByReason: {}, lost: 0, duplicated: 0, misplaced: 0, orderViolations: 0,
    deliveryMissing: 0, deliveryDuplicates: 0, deliveryWrong: 0, foldMismatches: 0, messagesCompared: 0, logGaps: 0, unexplainedOutbox: 0,
    failedButStored: 0, unexpectedFailures: 0, unexpectedClientErrors: 0, unplannedExits: input.unplannedExits.length,
    uncaught: input.uncaught.length,
  };
  const evidence = new Map<string, string[]>();
  const violation = (kind: keyof Counts, text: string, amount = 1) => {
    (counts[kind] as number) += amount;
    const list = evidence.get(kind) ?? [];
    if (list.length < MAX_EVIDENCE_PER_KIND) list.push(`${kind}: ${text}`);
    evidence.set(kind, list);
  };
  input.unplannedExits.forEach((e) => evidence.set('unplannedExits', [...(evidence.get('unplannedExits') ?? []), `unplanned node exit: ${e}`]));
  input.uncaught.slice(0, MAX_EVIDENCE_PER_KIND).forEach((e) => evidence.set('uncaught', [...(evidence.get('uncaught') ?? []), `uncaught: ${e}`]));

  checkLog(input.log, violation);
  for (const device of input.devices) {
    counts.written += device.written.length;
    checkAnswers(device, input, counts, violation);
    checkOrder(device, violation);
    checkDelivery(device, input.log, violation);
    counts.messagesCompared += checkFold(device, input.histories, violation);
    for (const code of device.clientErrorCodes) {
      if (!input.expectedClientErrors.has(code)) violation('unexpectedClientErrors', `${device.label} got an SDK error "${code}"`);
    }
  }
  return { counts, violations: [...evidence.values()].flat() };
}

type Report = (kind: keyof Counts, text: string, amount?: number) => void;

/** Every conversation's log holds seq 1..head, each exactly once. */
function checkLog(log: StoredLog, violation: Report): void {
  for (const [conversationId, head] of log.heads) {
    const seqs = log.bySeq.get(conversationId) ?? new Map<number, LogEntry[]>();
    for (let seq = 1; seq <= head; seq++) {
      const at = seqs.get(seq)?.length ?? 0;
      if (at !== 1) violation('logGaps', `${conversationId} holds ${at} rows at seq ${seq} (head ${head})`);
    }
    for (const seq of seqs.keys()) if (seq > head || seq < 1) violation('logGaps', `${conversationId} has a row at seq ${seq} beyond its head ${head}`);
  }
}

/** Acked: in the log once, at the seq the ack named. Failed: not in the log. Left over: explained. */
function checkAnswers(device: DeviceRecord, input: CheckInput, counts: Counts, violation: Report): void {
  const actionOf = new Map(device.written.map((w) => [w.clientId, w]));
  for (const [clientId, answer] of device.acks) {
    const rows = input.log.byClientId.get(clientKey(device.userId, clientId)) ?? [];
    const written = actionOf.get(clientId);
    if (!answer.event) {
      counts.ackedNoop += 1;
      if (rows.length > 0) violation('duplicated', `${device.label} ${clientId} was acked as already in effect, yet ${rows.length} row(s) carry it`, rows.length);
      continue;
    }
    counts.acked += 1;
    if (rows.length === 0) {
      violation('lost', `${device.label} ${clientId} (${written?.action.type}) acked at ${answer.event.conversationId}#${answer.event.seq} is not in the log`);
      continue;
    }
    const [row, ...more] = rows as [LogEntry, ...LogEntry[]];
    if (more.length > 0) violation('duplicated', `${device.label} ${clientId} is stored ${rows.length} times: seqs ${rows.map((r) => r.seq).join(', ')}`, more.length);
    const kinds = written ? KIND_OF_ACTION[written.action.type] : [row.kind];
    if (row.conversationId !== answer.event.conversationId || row.seq !== answer.event.seq || !kinds.includes(row.kind)) {
      violation('misplaced', `${device.label} ${clientId} acked as ${answer.event.kind} at ${answer.event.conversationId}#${answer.event.seq}, stored as ${row.kind} at ${row.conversationId}#${row.seq}`);
    }
  }
  // Written, never acked, not in the outbox either: the SDK dropped what a person wrote.
  const held = new Set(device.outbox.map((e) => e.clientId));
  for (const written of device.written) {
    if (!device.acks.has(written.clientId) && !held.has(written.clientId)) {
      violation('unexplainedOutbox', `${device.label} ${written.clientId} (${written.action.type}) vanished: neither acked nor in the outbox`);
    }
  }
  for (const entry of device.outbox) {
    const rows = input.log.byClientId.get(clientKey(device.userId, entry.clientId)) ?? [];
    if (entry.state === 'failed') {
      const reason = entry.reason ?? 'unknown';
      counts.failedByReason[reason] = (counts.failedByReason[reason] ?? 0) + 1;
      if (!input.expectedFailures.has(reason)) violation('unexpectedFailures', `${device.label} ${entry.clientId} failed: ${reason}`);
      for (const row of rows) violation('failedButStored', `${device.label} ${entry.clientId} failed (${reason}) but is stored at ${row.conversationId}#${row.seq}`);
      continue;
    }
    if (device.signedOut && entry.state === 'waiting' && entry.reason === 'signed_out') {
      counts.failedByReason['waiting: signed_out'] = (counts.failedByReason['waiting: signed_out'] ?? 0) + 1;
      continue;
    }
    violation('unexplainedOutbox', `${device.label} ${entry.clientId} still ${entry.state}${entry.reason ? ` (${entry.reason})` : ''} at the end`);
  }
}

/** A device's actions in each conversation are stored in the order they were written. */
function checkOrder(device: DeviceRecord, violation: Report): void {
  const lastSeq = new Map<string, { seq: number; clientId: string }>();
  for (const written of device.written) {
    const seq = device.acks.get(written.clientId)?.event?.seq;
    if (seq === undefined) continue;
    const before = lastSeq.get(written.conversationId);
    if (before && seq <= before.seq) {
      violation('orderViolations', `${device.label} wrote ${before.clientId} before ${written.clientId} in ${written.conversationId}, stored at seq ${before.seq} and ${seq}`);
    }
    lastSeq.set(written.conversationId, { seq, clientId: written.clientId });
  }
}

/** Every event of each conversation reached the device once, in seq order, as the log holds it. */
function checkDelivery(device: DeviceRecord, log: StoredLog, violation: Report): void {
  for (const conversationId of device.conversations) {
    const delivered = device.delivered.get(conversationId) ?? [];
    const seen = new Set<number>();
    let previous = 0;
    for (const { seq, event } of delivered) {
      if (seen.has(seq)) violation('deliveryDuplicates', `${device.label} got ${conversationId}#${seq} twice`);
      else if (seq < previous) violation('orderViolations', `${device.label} got ${conversationId}#${seq} after #${previous}`);
      seen.add(seq);
      previous = Math.max(previous, seq);
      const stored = log.bySeq.get(conversationId)?.get(seq)?.[0];
      if (!stored || !sameEvent(event, stored)) {
        violation('deliveryWrong', `${device.label} got ${event.kind} at ${conversationId}#${seq}; the log holds ${stored ? `${stored.kind} ${stored.clientId}` : 'nothing'}`);
      }
    }
    if (device.revoked.has(conversationId)) continue;
    const head = device.signedOut ? previous : (log.heads.get(conversationId) ?? 0);
    const missing: number[] = [];
    for (let seq = 1; seq <= head; seq++) if (!seen.has(seq)) missing.push(seq);
    if (missing.length > 0) {
      violation('deliveryMissing', `${device.label} never got ${conversationId} seqs ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''} (head ${head})`, missing.length);
    }
  }
}

function sameEvent(event: ConversationEvent, stored: LogEntry): boolean {
  if (event.kind === 'unknown' || event.kind !== stored.kind || event.actorId !== stored.actorId) return false;
  if (event.kind === 'message_created') return event.message.id === stored.messageId && event.message.clientId === stored.clientId;
  return 'messageId' in event && event.messageId === stored.messageId;
}

/** What the device folded equals what the server says the conversation is now. Returns how many messages were compared. */
function checkFold(device: DeviceRecord, histories: ReadonlyMap<string, readonly Message[]>, violation: Report): number {
  if (device.signedOut) return 0;
  let compared = 0;
  for (const conversationId of device.conversations) {
    if (device.revoked.has(conversationId)) continue;
    const server = histories.get(conversationId);
    if (!server) continue;
    const mine = device.timelines.get(conversationId) ?? [];
    compared += server.length;
    const difference = firstDifference(mine, server);
    if (difference) violation('foldMismatches', `${device.label} ${conversationId}: ${difference}`);
  }
  return compared;
}

export function firstDifference(mine: readonly Message[], server: readonly Message[]): string | undefined {
  const bySeq = new Map(mine.map((m) => [m.seq, m]));
  for (const message of server) {
    const held = bySeq.get(message.seq);
    if (!held) return `seq ${message.seq} missing from the device`;
    bySeq.delete(message.seq);
    const a = canonical(held);
    const b = canonical(message);
    if (a !== b) return `seq ${message.seq} differs: device ${a} / server ${b}`;
  }
  const extra = [...bySeq.keys()];
  return extra.length > 0 ? `the device holds seqs the server does not: ${extra.slice(0, 10).join(', ')}` : undefined;
}

/** JSON with sorted keys, so field order never counts as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
