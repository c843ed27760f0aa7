// Redis (the bus between nodes) goes away under load: frozen with SIGSTOP, or killed and
// restarted empty. Each node keeps delivering to its own sockets; what crossed nodes meanwhile
// is lost live, and every socket is told to re-sync (chat_resync) once the bus is back.
import { ms } from '../run-scenario.ts';
import type { Bound, FaultOutcome, Scenario, ScenarioContext } from '../scenario.ts';

const PAUSE_MS = 10_000;
const KILLED_MS = 3_000;
/** PROTOCOL.md §8 "Many gateway nodes": subscriptions restored within about 2 s of Redis accepting connections. */
const RESYNC_DOCUMENTED_MS = 2_000;

function resyncVerdict(ctx: ScenarioContext, startedAt: number, endedAt: number): ReturnType<NonNullable<FaultOutcome['verify']>> {
  const violations: string[] = [];
  // Every socket may have missed something: every device must hear chat_resync for its conversations.
  const lastResync = ctx.cast.devices.map((d) => {
    const got = d.resyncs.filter((r) => r.at >= startedAt);
    const covered = new Set(got.flatMap((r) => r.conversationIds));
    const missing = d.conversations.filter((id) => !covered.has(id));
    if (missing.length > 0) violations.push(`${d.label} (on ${d.node ?? 'no node'}) got no chat_resync for ${missing.length} of its conversations after the outage`);
    return got.length > 0 ? Math.max(...got.map((r) => r.at)) : undefined;
  });
  const all = lastResync.includes(undefined) ? undefined : Math.max(...(lastResync as number[])) - endedAt;
  // Local delivery never depends on the bus: live frames kept flowing within each node.
  const liveDuring = ctx.cast.devices.reduce((n, d) => n + d.liveFrames.filter((f) => f.at > startedAt + 1000 && f.at < endedAt).length, 0);
  if (liveDuring === 0) violations.push('no live chat_event reached any socket while Redis was away: local delivery stopped');
  const bound: Bound = {
    name: 'every device told chat_resync after Redis is back',
    documentedMs: RESYNC_DOCUMENTED_MS,
    source: 'PROTOCOL.md §8 "Many gateway nodes", README "Outages": about 2 s after Redis accepts connections',
    measuredMs: all,
    waitBoundMs: 20_000,
  };
  return Promise.resolve({ violations, figures: { 'live frames delivered during the outage': String(liveDuring) }, bounds: [bound] });
}

export const pauseRedis: Scenario = {
  number: 4,
  id: 'redis-stop',
  title: `Redis SIGSTOP for ${PAUSE_MS / 1000} s under load, then SIGCONT`,
  async inject(ctx) {
    const startedAt = Date.now();
    ctx.env.redis.pause();
    await ctx.sleep(PAUSE_MS);
    ctx.env.redis.resume();
    const endedAt = Date.now();
    return { startedAt, endedAt, verify: () => resyncVerdict(ctx, startedAt, endedAt) };
  },
};

export const killRedis: Scenario = {
  number: 5,
  id: 'redis-kill',
  title: `Redis killed (SIGKILL) under load, restarted empty ${KILLED_MS / 1000} s later`,
  async inject(ctx) {
    const startedAt = Date.now();
    await ctx.env.redis.kill();
    await ctx.sleep(KILLED_MS);
    await ctx.env.redis.restart();
    const endedAt = Date.now();
    return {
      startedAt,
      endedAt,
      notes: [`redis-server accepted connections again ${ms(endedAt - startedAt)} after the kill`],
      verify: () => resyncVerdict(ctx, startedAt, endedAt),
    };
  },
};
