// Postgres goes away under load: stopped for a while (`pg_ctl stop -m fast`, then started), or
// every backend terminated during a burst. Nodes stay up, sockets stay open, actions in flight
// get the retryable `unavailable` and are resent with the same clientId once it is back.
import { DEFAULT_CONNECT_TIMEOUT_MS } from '@parley/db';
import { DATABASE_NAME } from '../env/environment.ts';
import { ms } from '../run-scenario.ts';
import type { Scenario, ScenarioContext } from '../scenario.ts';

const OUTAGE_MS = 10_000;

function firstUnavailable(ctx: ScenarioContext, from: number): number | undefined {
  const times = ctx.cast.devices.flatMap((d) => d.errorFrames.filter((e) => e.code === 'unavailable' && e.at >= from).map((e) => e.at));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** README "Outages": nodes stay up and sockets stay open while Postgres is away. */
function closesDuring(ctx: ScenarioContext, from: number, to: number): string[] {
  return ctx.cast.devices.flatMap((d) =>
    d.closes.filter((c) => c.at >= from && c.at <= to).map((c) => `${d.label}'s socket on ${c.node} closed (${c.code} ${c.reason}) during the Postgres outage`),
  );
}

export const stopPostgres: Scenario = {
  number: 2,
  id: 'pg-stop',
  title: `pg_ctl stop -m fast for ${OUTAGE_MS / 1000} s under load, then start`,
  async inject(ctx) {
    const startedAt = Date.now();
    await ctx.env.postgres.stop({ mode: 'fast' });
    const stoppedAt = Date.now();
    await ctx.sleep(Math.max(0, startedAt + OUTAGE_MS - Date.now()));
    await ctx.env.postgres.start();
    const endedAt = Date.now();
    return {
      startedAt,
      endedAt,
      notes: [`pg_ctl stop took ${ms(stoppedAt - startedAt)}; Postgres accepted connections again ${ms(endedAt - startedAt)} after the stop began`],
      async verify() {
        const unavailable = firstUnavailable(ctx, startedAt);
        return {
          violations: closesDuring(ctx, startedAt, endedAt),
          figures: {},
          bounds: [
            {
              name: 'first `unavailable` answer after the stop began',
              documentedMs: DEFAULT_CONNECT_TIMEOUT_MS,
              source: 'PROTOCOL.md §8.1: within DATABASE_CONNECT_TIMEOUT_MS (3 s), usually at once',
              measuredMs: unavailable === undefined ? undefined : unavailable - startedAt,
              waitBoundMs: OUTAGE_MS,
            },
          ],
        };
      },
    };
  },
};

export const terminateBackends: Scenario = {
  number: 3,
  id: 'pg-terminate',
  title: 'pg_terminate_backend of every backend during a burst',
  async inject(ctx) {
    ctx.workload.burst(15);
    // Into the thick of it: the first commits of the burst are under way.
    await ctx.sleep(150);
    const startedAt = Date.now();
    const rounds: number[] = [];
    // Twice: the pools reconnect at once, and the second round catches those new backends mid-batch.
    rounds.push(await ctx.env.postgres.terminateBackends(DATABASE_NAME));
    await ctx.sleep(300);
    rounds.push(await ctx.env.postgres.terminateBackends(DATABASE_NAME));
    const endedAt = Date.now();
    return {
      startedAt,
      endedAt,
      notes: [`terminated ${rounds.join(' + ')} backends of ${DATABASE_NAME}, 300 ms apart, during a burst of 15 sends per device`],
      async verify() {
        return { violations: closesDuring(ctx, startedAt, endedAt), figures: {}, bounds: [] };
      },
    };
  },
};
