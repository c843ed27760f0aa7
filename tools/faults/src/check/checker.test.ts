// A checker that never fails proves nothing: each broken history below must be caught.
import { describe, expect, it } from 'vitest';
import type { ConversationEvent, Message } from '@parley/protocol';
import { check, type CheckInput, type DeviceRecord } from './checker.ts';
import { clientKey, type LogEntry, type StoredLog } from './log.ts';

const C = '00000000-0000-4000-8000-000000000001';
const ME = '00000000-0000-4000-8000-00000000000a';

const message = (seq: number, clientId: string): Message => ({
  id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
  conversationId: C,
  seq,
  senderId: ME,
  clientId,
  kind: 'text',
  body: `body ${seq}`,
  replyTo: null,
  mentions: [],
  editedAt: null,
  deletedAt: null,
  reactions: [],
  createdAt: '2026-11-30T12:00:00.000Z',
});

const created = (m: Message): ConversationEvent => ({ kind: 'message_created', conversationId: C, seq: m.seq, actorId: ME, createdAt: m.createdAt, message: m });

const entryOf = (m: Message): LogEntry => ({ conversationId: C, seq: m.seq, actorId: ME, clientId: m.clientId, kind: 'message_created', messageId: m.id });

function logOf(entries: LogEntry[], head = entries.length): StoredLog {
  const log: StoredLog = { heads: new Map([[C, head]]), bySeq: new Map([[C, new Map()]]), byClientId: new Map() };
  for (const e of entries) {
    const at = log.bySeq.get(C)!;
    at.set(e.seq, [...(at.get(e.seq) ?? []), e]);
    const key = clientKey(e.actorId, e.clientId);
    log.byClientId.set(key, [...(log.byClientId.get(key) ?? []), e]);
  }
  return log;
}

/** Three sends, acked, stored, delivered and folded exactly right. */
function cleanHistory(): { device: DeviceRecord; input: CheckInput; messages: Message[] } {
  const messages = [message(1, 'c1_aaaaaaaa'), message(2, 'c2_aaaaaaaa'), message(3, 'c3_aaaaaaaa')];
  const device: DeviceRecord = {
    label: 'u0d0',
    userId: ME,
    written: messages.map((m, i) => ({ clientId: m.clientId, conversationId: C, action: { type: 'send', body: m.body }, at: i })),
    acks: new Map(messages.map((m, i) => [m.clientId, { at: 10 + i, event: created(m) }])),
    outbox: [],
    delivered: new Map([[C, messages.map((m) => ({ seq: m.seq, event: created(m) }))]]),
    timelines: new Map([[C, messages]]),
    conversations: [C],
    revoked: new Set(),
    signedOut: false,
    clientErrorCodes: [],
  };
  const input: CheckInput = {
    devices: [device],
    log: logOf(messages.map(entryOf)),
    histories: new Map([[C, messages]]),
    expectedFailures: new Set(['conflict']),
    expectedClientErrors: new Set(['unavailable']),
    unplannedExits: [],
    uncaught: [],
  };
  return { device, input, messages };
}

describe('the fault checker', () => {
  it('passes a clean history', () => {
    const { input } = cleanHistory();
    const result = check(input);
    expect(result.violations).toEqual([]);
    expect(result.counts).toMatchObject({ written: 3, acked: 3, lost: 0, duplicated: 0, orderViolations: 0, messagesCompared: 3 });
  });

  it('catches an acked action missing from the log', () => {
    const { input, messages } = cleanHistory();
    const result = check({ ...input, log: logOf(messages.slice(0, 2).map(entryOf), 3) });
    expect(result.counts.lost).toBe(1);
    expect(result.counts.logGaps).toBe(1);
  });

  it('catches a clientId stored twice, and an ack naming the wrong seq', () => {
    const { input, messages } = cleanHistory();
    const twice = [...messages.map(entryOf), { ...entryOf(messages[0]!), seq: 4, messageId: 'other' }];
    expect(check({ ...input, log: logOf(twice, 4) }).counts.duplicated).toBe(1);
    const swapped = [entryOf(messages[0]!), { ...entryOf(messages[1]!), seq: 3 }, { ...entryOf(messages[2]!), seq: 2 }];
    expect(check({ ...input, log: logOf(swapped) }).counts.misplaced).toBe(2);
  });

  it("catches a sender's actions stored out of the order written", () => {
    const { input, device, messages } = cleanHistory();
    const reordered = { ...device, written: [device.written[1]!, device.written[0]!, device.written[2]!] };
    const result = check({ ...input, devices: [reordered] });
    expect(result.counts.orderViolations).toBe(1);
    expect(result.violations[0]).toContain(messages[1]!.clientId);
  });

  it('catches deliveries missing, repeated, out of order or unlike the log', () => {
    const { input, device, messages } = cleanHistory();
    const [a, b, c] = messages.map((m) => ({ seq: m.seq, event: created(m) })) as [{ seq: number; event: ConversationEvent }, { seq: number; event: ConversationEvent }, { seq: number; event: ConversationEvent }];
    const run = (list: Array<{ seq: number; event: ConversationEvent }>) => check({ ...input, devices: [{ ...device, delivered: new Map([[C, list]]) }] }).counts;
    expect(run([a, c]).deliveryMissing).toBe(1);
    expect(run([a, b, b, c]).deliveryDuplicates).toBe(1);
    expect(run([a, c, b]).orderViolations).toBe(1);
    expect(run([a, b, { seq: 3, event: created({ ...messages[2]!, id: 'not-the-stored-one' }) }]).deliveryWrong).toBe(1);
  });

  it('catches a fold that differs from the server history', () => {
    const { input, device, messages } = cleanHistory();
    const edited = [messages[0]!, { ...messages[1]!, body: 'stale' }, messages[2]!];
    const result = check({ ...input, devices: [{ ...device, timelines: new Map([[C, edited]]) }] });
    expect(result.counts.foldMismatches).toBe(1);
    expect(result.violations[0]).toContain('seq 2 differs');
  });

  it('explains what the outbox holds at the end, and refuses what it cannot explain', () => {
    const { input, device, messages } = cleanHistory();
    const unacked = { ...device, acks: new Map([...device.acks].slice(0, 2)) };
    const left = (state: string, reason?: string) =>
      check({ ...input, devices: [{ ...unacked, outbox: [{ clientId: messages[2]!.clientId, conversationId: C, state, ...(reason ? { reason } : {}) }] }] }).counts;
    // Still sending at the end: unexplained. Failed with a documented reason: explained, but it must not be stored.
    expect(left('sending').unexplainedOutbox).toBe(1);
    expect(left('failed', 'conflict')).toMatchObject({ unexplainedOutbox: 0, failedButStored: 1, failedByReason: { conflict: 1 } });
    expect(left('failed', 'server_error').unexpectedFailures).toBe(1);
    // Neither acked nor held: the SDK dropped it.
    expect(check({ ...input, devices: [unacked] }).counts.unexplainedOutbox).toBe(1);
  });

  it('counts unplanned node exits, uncaught errors and unexpected SDK errors', () => {
    const { input, device } = cleanHistory();
    const counts = check({ ...input, devices: [{ ...device, clientErrorCodes: ['unavailable', 'internal'] }], unplannedExits: ['node-a'], uncaught: ['boom'] }).counts;
    expect(counts).toMatchObject({ unplannedExits: 1, uncaught: 1, unexpectedClientErrors: 1 });
  });
});
