// One scenario from start to verdict: fresh people and conversations, a steady load, the fault,
// recovery timings, then (load stopped, everything settled) the checker over everything.
import type { ProcessFaults } from '@parley/db/testing';
import { RECONNECT_MAX_DELAY_MS, SERVER_ACTIONS_PER_SECOND } from '@parley/client';
import { check, type CheckResult, type DeviceRecord } from './check/checker.ts';
import { readHeads, readLog } from './check/log.ts';
import type { Environment } from './env/environment.ts';
import { createCast, type Cast } from './load/cast.ts';
import type { Device } from './load/device.ts';
import { fullHistory } from './load/http.ts';
import { createWorkload } from './load/workload.ts';
import type { Bound, FaultOutcome, RunOptions, Scenario, ScenarioContext } from './scenario.ts';

/** Everything healthy again before a scenario starts (the previous one may have killed things). */
const READY_TIMEOUT_MS = 60_000;
/** Load stopped: every outbox answered and every device caught up, or this passes. */
const SETTLE_TIMEOUT_MS = 60_000;
/** From the fault's end: everything pending at that moment answered, every device caught up. */
const RECOVERY_TIMEOUT_MS = 60_000;
const POLL_MS = 25;

export interface ScenarioResult {
  scenario: Scenario;
  passed: boolean;
  check: CheckResult;
  /** Violations beyond the checker's: scenario checks, missed bounds, a run that did not settle. */
  violations: string[];
  figures: Record<string, string>;
  bounds: Bound[];
  notes: string[];
  elapsedMs: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runScenario(env: Environment, scenario: Scenario, options: RunOptions, faults: ProcessFaults): Promise<ScenarioResult> {
  const began = Date.now();
  const exitsBefore = env.exits.length;
  faults.clear();
  await waitUntilReady(env);
  const cast = await createCast(env, `s${scenario.number}`, options.devicesPerUser);
  const workload = createWorkload(cast, { rate: options.rate });
  const violations: string[] = [];
  try {
    cast.connectAll();
    await waitUntil('every device connected and caught up', READY_TIMEOUT_MS, async () => caughtUp(env, cast, new Set()));
    workload.start();
    const half = (options.durationS * 1000) / 2;
    await sleep(half);
    const ctx: ScenarioContext = { env, cast, workload, options, sleep };
    options.log(`  injecting: ${scenario.title}`);
    const fault = await scenario.inject(ctx);
    const backlog = Math.max(0, ...cast.devices.map((d) => d.written.filter((w) => !d.acks.has(w.clientId) && !d.failures.has(w.clientId)).length));
    const recovery = watchRecovery(env, cast, fault);
    await sleep(half);
    workload.stop();
    const recovered = await recovery;
    const excluded = excludedDevices(fault);
    const settledMs = await settle(env, cast, fault, excluded).catch((error: Error) => {
      violations.push(`did not settle: ${error.message}`);
      return undefined;
    });

    const conversationIds = Object.values(cast.conversations);
    const log = await readLog(env.db, conversationIds);
    const histories = await readHistories(env, cast, fault);
    const records = cast.devices.map((d) => recordOf(d, fault));
    const exits = env.exits.slice(exitsBefore).filter((e) => !e.planned);
    const result = check({
      devices: records,
      log,
      histories,
      expectedFailures: new Set(['conflict', ...(scenario.expectedFailures ?? [])]),
      expectedClientErrors: new Set(['unavailable', ...(scenario.expectedClientErrors ?? [])]),
      unplannedExits: exits.map((e) => `${e.nodeId} pid ${e.pid} (${e.signal ?? `exit ${e.code}`})`),
      uncaught: faults.describe(),
    });

    const affected = fault.affected ?? cast.devices;
    const firstAck = firstAfter(affected.flatMap((d) => [...d.acks.values()].map((a) => a.at)), fault.endedAt);
    const resync = firstAfter(cast.devices.flatMap((d) => d.resyncs.map((r) => r.at)), fault.startedAt);
    const figures: Record<string, string> = {
      'fault lasted': ms(fault.endedAt - fault.startedAt),
      'fault end → first ack': ms(firstAck === undefined ? undefined : firstAck - fault.endedAt),
      'fault end → full recovery': recovered === undefined ? 'not within 60 s' : ms(recovered),
      'fault end → first chat_resync': ms(resync === undefined ? undefined : resync - fault.endedAt),
      'load stopped → settled': ms(settledMs),
      ...loadFigures(cast, fault.startedAt),
    };
    const bounds: Bound[] = [
      {
        name: `everything pending at the fault end answered (at most ${backlog} per device), every device caught up`,
        documentedMs: RECONNECT_MAX_DELAY_MS + (backlog * 1000) / SERVER_ACTIONS_PER_SECOND,
        source: 'one retry or reconnect backoff ceiling, 10 s (PROTOCOL.md §3 rule 7, §8 rule 1), then the backlog at 10 actions/s (§13)',
        measuredMs: recovered,
        waitBoundMs: RECOVERY_TIMEOUT_MS,
      },
    ];
    const extra = (await fault.verify?.()) ?? { violations: [], figures: {}, bounds: [] };
    violations.push(...extra.violations);
    Object.assign(figures, extra.figures);
    bounds.push(...extra.bounds);
    for (const bound of bounds) {
      if (bound.measuredMs === undefined || bound.measuredMs > bound.waitBoundMs) {
        violations.push(`bound: ${bound.name}: ${bound.measuredMs === undefined ? 'never happened' : ms(bound.measuredMs)} (documented ${ms(bound.documentedMs)})`);
      }
    }
    const counts = result.counts;
    const clean =
      result.violations.length === 0 &&
      violations.length === 0 &&
      counts.lost + counts.duplicated + counts.misplaced + counts.orderViolations + counts.unexplainedOutbox === 0;
    return { scenario, passed: clean, check: result, violations, figures, bounds, notes: fault.notes ?? [], elapsedMs: Date.now() - began };
  } finally {
    workload.stop();
    cast.closeAll();
  }
}

const RETRYABLE = new Set(['unavailable', 'internal', 'rate_limited', 'overloaded', 'hello_required']);

/** What the fault did to the load: retryable answers, resends that were already committed, events only a sync brought. */
function loadFigures(cast: Cast, faultStartedAt: number): Record<string, string> {
  const retryable = new Map<string, number>();
  let healed = 0;
  for (const device of cast.devices) {
    for (const e of device.errorFrames) if (RETRYABLE.has(e.code)) retryable.set(e.code, (retryable.get(e.code) ?? 0) + 1);
    const own = new Set([...device.acks.values()].flatMap((a) => (a.event ? [`${a.event.conversationId}#${a.event.seq}`] : [])));
    const live = new Set(device.liveFrames.map((f) => `${f.conversationId}#${f.seq}`));
    for (const [conversationId, list] of device.delivered) {
      healed += list.filter((d) => d.at >= faultStartedAt && !live.has(`${conversationId}#${d.seq}`) && !own.has(`${conversationId}#${d.seq}`)).length;
    }
  }
  return {
    'retryable answers': [...retryable].map(([code, n]) => `${code} ${n}`).join(', ') || 'none',
    'resends answered duplicate': String(cast.devices.reduce((n, d) => n + d.duplicateAcks.length, 0)),
    'events only a chat_sync brought (since the fault)': String(healed),
  };
}

function excludedDevices(fault: FaultOutcome): { revoked: Map<Device, Set<string>>; signedOut: Set<Device> } {
  return { revoked: fault.revoked ?? new Map(), signedOut: fault.signedOut ?? new Set() };
}

function recordOf(device: Device, fault: FaultOutcome): DeviceRecord {
  return {
    label: device.label,
    userId: device.userId,
    written: device.written,
    acks: device.acks,
    outbox: device.client.outbox().map((e) => ({ clientId: e.clientId, conversationId: e.conversationId, state: e.state, ...(e.reason ? { reason: e.reason } : {}) })),
    delivered: device.delivered,
    timelines: new Map([...device.timelines].map(([id, t]) => [id, t.messages])),
    conversations: device.conversations,
    revoked: fault.revoked?.get(device) ?? new Set(),
    signedOut: fault.signedOut?.has(device) ?? false,
    clientErrorCodes: device.clientErrors.map((e) => e.code ?? e.reason),
  };
}

/** Server state of each conversation, read through a member whose session still works. */
async function readHistories(env: Environment, cast: Cast, fault: FaultOutcome) {
  const origin = env.nodes.find((n) => n.running)?.origin ?? '';
  const histories = new Map<string, Awaited<ReturnType<typeof fullHistory>>['messages']>();
  for (const conversationId of Object.values(cast.conversations)) {
    const reader = cast.devices.find(
      (d) => d.conversations.includes(conversationId) && !fault.signedOut?.has(d) && !fault.revoked?.get(d)?.has(conversationId),
    );
    if (reader) histories.set(conversationId, (await fullHistory(origin, reader.session.cookie, conversationId)).messages);
  }
  return histories;
}

/** Every device that is still a member has applied each of its conversations up to `heads`. */
async function caughtUp(env: Environment, cast: Cast, skip: ReadonlySet<Device>, revoked?: Map<Device, Set<string>>, heads?: Map<string, number>): Promise<boolean> {
  const at = heads ?? (await readHeads(env.db, Object.values(cast.conversations)));
  return cast.devices.every(
    (d) =>
      skip.has(d) ||
      d.conversations.every((id) => revoked?.get(d)?.has(id) || (d.client.lastSeq(id) ?? 0) >= (at.get(id) ?? 0)),
  );
}

/**
 * From the fault's end until everything written before it is answered (acked or failed) and
 * every device has applied every event committed before it. Resolves with how long that took.
 */
async function watchRecovery(env: Environment, cast: Cast, fault: FaultOutcome): Promise<number | undefined> {
  const pending = cast.devices.flatMap((d) => d.written.filter((w) => !d.acks.has(w.clientId) && !d.failures.has(w.clientId)).map((w) => ({ d, w })));
  let heads: Map<string, number> | undefined;
  const deadline = fault.endedAt + RECOVERY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { revoked, signedOut } = excludedDevices(fault);
    const skip = new Set([...signedOut, ...cast.devices.filter((d) => d.stopped)]);
    heads ??= await readHeads(env.db, Object.values(cast.conversations)).catch(() => undefined);
    const answered = pending.every(({ d, w }) => skip.has(d) || revoked.get(d)?.has(w.conversationId) || d.acks.has(w.clientId) || d.failures.has(w.clientId));
    if (heads && answered && (await caughtUp(env, cast, skip, revoked, heads))) return Date.now() - fault.endedAt;
    await sleep(POLL_MS);
  }
  return undefined;
}

/** Load stopped: wait for every outbox to hold only failed entries and every device to be caught up. */
async function settle(env: Environment, cast: Cast, fault: FaultOutcome, excluded: ReturnType<typeof excludedDevices>): Promise<number> {
  const from = Date.now();
  await waitUntil('every outbox answered and every device caught up', SETTLE_TIMEOUT_MS, async () => {
    const skip = new Set([...excluded.signedOut, ...cast.devices.filter((d) => d.stopped)]);
    const drained = cast.devices.every((d) => skip.has(d) || d.client.outbox().every((e) => e.state === 'failed'));
    return drained && (await caughtUp(env, cast, skip, fault.revoked));
  });
  return Date.now() - from;
}

async function waitUntilReady(env: Environment): Promise<void> {
  await env.ensureNodesRunning();
  await waitUntil('both nodes ready (database and bus)', READY_TIMEOUT_MS, async () => {
    const answers = await Promise.all(env.nodes.map((n) => fetch(`${n.origin}/readyz`).then((r) => r.status, () => 0)));
    return answers.every((status) => status === 200);
  });
}

export async function waitUntil(what: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await condition().catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(POLL_MS * 4);
  }
}

function firstAfter(times: number[], from: number): number | undefined {
  let first: number | undefined;
  for (const t of times) if (t >= from && (first === undefined || t < first)) first = t;
  return first;
}

export function ms(value: number | undefined): string {
  if (value === undefined) return '—';
  return Math.abs(value) >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
