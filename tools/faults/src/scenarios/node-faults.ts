// A gateway node goes away under load: crashed (kill -9) or stopped gracefully (SIGTERM).
// Its devices reconnect to the other node; whatever was in flight is resent with the same
// clientId and comes back as the original event.
import { RECONNECT_MAX_DELAY_MS } from '@parley/client';
import { SLOW_COMMIT_BODY, slowCommitUnderWay } from '../env/db-triggers.ts';
import type { Device } from '../load/device.ts';
import { ms, waitUntil } from '../run-scenario.ts';
import type { Bound, Scenario, ScenarioContext } from '../scenario.ts';
import { nth } from '../util.ts';

/** Devices whose socket is on `nodeId` right now. */
const devicesOn = (ctx: ScenarioContext, nodeId: string) => ctx.cast.devices.filter((d) => d.node === nodeId);

/** For each device: when it next reached hello_ok on another node after `from`. */
function reconnects(devices: Device[], from: number, goneNode: string): Array<number | undefined> {
  return devices.map((d) => d.hellos.find((h) => h.at >= from && h.node !== goneNode)?.at);
}

function reconnectBound(devices: Device[], from: number, goneNode: string): Bound {
  const times = reconnects(devices, from, goneNode);
  const measured = times.includes(undefined) ? undefined : Math.max(...(times as number[]).map((t) => t - from), 0);
  return {
    name: `every socket of ${goneNode} back on another node`,
    documentedMs: RECONNECT_MAX_DELAY_MS,
    source: 'PROTOCOL.md §3 rule 7: reconnect with backoff (≤ 10 s per attempt)',
    measuredMs: measured,
    waitBoundMs: 30_000,
  };
}

export const killNode: Scenario = {
  number: 1,
  id: 'kill9',
  title: 'kill -9 a gateway node under load, while one of its commits is under way',
  async inject(ctx) {
    const node = ctx.env.nodes[0];
    const affected = devicesOn(ctx, node.id);
    const sender = nth(affected, 0);
    const conversationId = nth(sender.conversations, 0);
    // During a burst, a send whose COMMIT takes long: killed then, the node leaves an
    // ambiguous commit behind (stored, never acked), with whatever shared its batch.
    ctx.workload.burst(10);
    const slow = sender.act(conversationId, { type: 'send', body: SLOW_COMMIT_BODY });
    await waitUntil('the slow commit under way', 10_000, () => slowCommitUnderWay(ctx.env.db));
    const startedAt = Date.now();
    await node.kill9();
    const endedAt = Date.now();
    return {
      startedAt,
      endedAt,
      affected,
      notes: [`${affected.length} devices were on ${node.id}; it was killed during a burst of 10 sends per device, while ${sender.label}'s send ${slow.clientId} was committing`],
      async verify() {
        const violations: string[] = [];
        const ack = sender.acks.get(slow.clientId);
        // The commit finished after the kill: the resend to the other node must return it.
        if (!ack?.event) violations.push(`${sender.label}'s send ${slow.clientId}, committing when ${node.id} died, was never acked`);
        else if (!sender.duplicateAcks.includes(slow.clientId)) violations.push(`${sender.label}'s send ${slow.clientId} was acked, but not as a duplicate: was the commit really under way?`);
        const duplicates = affected.reduce((n, d) => n + d.duplicateAcks.length, 0);
        return {
          violations,
          figures: { 'resends of actions the dead node had committed (answered duplicate)': String(duplicates) },
          bounds: [reconnectBound(affected, endedAt, node.id)],
        };
      },
    };
  },
};

export const terminateNode: Scenario = {
  number: 6,
  id: 'sigterm',
  title: 'SIGTERM a gateway node (graceful: its sockets are told 1012 and reconnect)',
  async inject(ctx) {
    const index = 1;
    const node = ctx.env.nodes[index];
    const affected = devicesOn(ctx, node.id);
    const startedAt = Date.now();
    // Taken out of the balancer's pool as the SIGTERM goes out, as an orchestrator does.
    ctx.env.router.drain(index);
    const exit = await node.terminate();
    return {
      startedAt,
      endedAt: startedAt,
      affected,
      notes: [`${affected.length} devices were on ${node.id}; it exited ${exit.signal ?? `with code ${exit.code}`} ${ms(exit.at - startedAt)} after SIGTERM`],
      async verify() {
        const violations: string[] = [];
        if (exit.code !== 0) violations.push(`${node.id} did not shut down cleanly after SIGTERM: ${exit.signal ?? `exit ${exit.code}`}`);
        let told = 0;
        for (const device of affected) {
          const close = device.closes.find((c) => c.at >= startedAt && c.node === node.id);
          if (close?.code === 1012) told += 1;
          else violations.push(`${device.label} on ${node.id} was closed with ${close ? `${close.code} ${close.reason}` : 'nothing'}, not 1012 service_restart`);
        }
        return {
          violations,
          figures: { 'sockets told 1012': `${told} of ${affected.length}`, 'SIGTERM → node exited': ms(exit.at - startedAt) },
          bounds: [reconnectBound(affected, startedAt, node.id)],
        };
      },
    };
  },
};
