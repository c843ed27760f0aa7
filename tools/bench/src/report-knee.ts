import { int, med, ms, percent, reasons, seconds, spread, table } from './format.ts';
import type { KneeOutcome, StepRuns } from './knee.ts';
import type { LoadResult } from './load.ts';

const perThousand = (cpuSeconds: number, count: number) => (count > 0 ? (cpuSeconds * 1e6) / count : Number.NaN);
const cpuPercent = (r: LoadResult, cpu: number) => (cpu / r.windowS) * 100;

/** The highest rate every target passed in every repetition, else the lowest step (flagged). */
function commonRate(outcome: KneeOutcome): { rate: number | undefined; allPassed: boolean } {
  const passedEverywhere = outcome.options.rates.filter((rate) =>
    outcome.targets.every((t) => outcome.steps.some((s) => s.target === t && s.rate === rate && s.passed === outcome.options.reps)),
  );
  const rate = passedEverywhere.at(-1);
  return rate === undefined ? { rate: outcome.options.rates[0], allPassed: false } : { rate, allPassed: true };
}

function stepRow(step: StepRuns, reps: number): string[] {
  const rs = step.results;
  const delivered = rs.reduce((sum, r) => sum + r.delivered, 0);
  const expected = rs.reduce((sum, r) => sum + r.expected, 0);
  const errors = rs.reduce((sum, r) => sum + r.errorCount, 0);
  return [
    step.target,
    int(step.rate),
    `${step.passed}/${reps}`,
    percent(delivered, expected),
    ms(med(rs.map((r) => r.latency.p50))),
    `${ms(med(rs.map((r) => r.latency.p99)))} (${rs.map((r) => ms(r.latency.p99)).join(', ')})`,
    ms(med(rs.flatMap((r) => (r.ack ? [r.ack.p99] : [])))),
    int(med(rs.map((r) => cpuPercent(r, r.serverCpuSeconds)))),
    int(med(rs.map((r) => cpuPercent(r, r.postgresCpuSeconds)))),
    int(med(rs.map((r) => cpuPercent(r, r.generatorCpuSeconds)))),
    errors === 0 ? '0' : `${errors}: ${rs.flatMap((r) => r.errorSamples)[0] ?? ''}`,
  ];
}

/** The knee, every step, CPU per delivery at a common rate, and the connects of every start. */
export function renderKnee(title: string, outcome: KneeOutcome, fixedRate = false): string[] {
  const { options } = outcome;
  const { rooms, roomSize } = options.population;
  const fanout = roomSize - 1;
  const lines = [
    `## ${title}`,
    '',
    `${int(rooms * roomSize)} sockets in ${int(rooms)} room(s) of ${int(roomSize)}; each message is delivered to the other ${int(fanout)} members. ` +
      `Each run: a fresh server, all sockets connected, ${options.warmupMs / 1000} s warm-up, ${options.durationMs / 1000} s measured, ` +
      `up to ${options.drainMs / 1000} s for the last deliveries. A step passes when, in every one of its ${options.reps} repetitions, ` +
      `every message reached every other member exactly once, no error came back, and p99 < ${options.p99LimitMs} ms.`,
    '',
    ...(fixedRate ? [] : table(
      ['Target', 'Knee msg/s', '= deliveries/s', 'Failed at msg/s'],
      outcome.targets.map((t) => {
        const knee = outcome.knee.get(t);
        const failed = outcome.failedAt.get(t);
        const top = options.rates.at(-1) ?? 0;
        return [
          t,
          knee === undefined ? `< ${int(options.rates[0] ?? 0)}` : failed === undefined && knee === top ? `≥ ${int(knee)}` : int(knee),
          knee === undefined ? '–' : int(knee * fanout),
          failed === undefined ? 'passed every step' : int(failed),
        ];
      }),
    )),
    '',
    'Every step (medians of the repetitions; each repetition\'s p99 in brackets; CPU in % of one core over the measured window):',
    '',
    ...table(
      ['Target', 'msg/s', 'Passed', 'Delivered', 'p50 ms', 'p99 ms', 'ack p99 ms', 'Server CPU %', 'Postgres CPU %', 'Generator CPU %', 'Errors'],
      outcome.steps.map((s) => stepRow(s, options.reps)),
    ),
  ];

  const { rate, allPassed } = commonRate(outcome);
  const atRate = outcome.steps.filter((s) => s.rate === rate);
  if (rate !== undefined && atRate.length > 0) {
    const cost = atRate.map((s) => ({
      target: s.target,
      server: med(s.results.map((r) => perThousand(r.serverCpuSeconds, r.delivered))),
      postgres: med(s.results.map((r) => perThousand(r.postgresCpuSeconds, r.delivered))),
      postgresPerMessage: med(s.results.map((r) => perThousand(r.postgresCpuSeconds, r.sent))),
      generator: med(s.results.map((r) => perThousand(r.generatorCpuSeconds, r.delivered))),
    }));
    const base = cost[0];
    lines.push(
      '',
      `CPU per delivery at ${int(rate)} msg/s (${allPassed ? 'the highest step every target passed' : 'the first step: not every target passed it'}; ` +
        `CPU ms per 1,000 deliveries, medians; ratios to ${base?.target ?? '–'}):`,
      '',
      ...table(
        ['Target', 'Server', 'Postgres', 'Server + Postgres', 'Postgres per 1k messages', 'Generator', `Server × ${base?.target ?? ''}`, 'Server + Postgres ×'],
        cost.map((c) => [
          c.target,
          ms(c.server),
          ms(c.postgres),
          ms(c.server + (Number.isFinite(c.postgres) ? c.postgres : 0)),
          ms(c.postgresPerMessage),
          ms(c.generator),
          base ? (c.server / base.server).toFixed(2) : '–',
          base ? ((c.server + (Number.isFinite(c.postgres) ? c.postgres : 0)) / base.server).toFixed(2) : '–',
        ]),
      ),
    );
  }

  lines.push(
    '',
    `Connecting all ${int(rooms * roomSize)} sockets, at every start of this scenario (median [min–max]; from the first socket opened to the last ready, ` +
      'and to the last frame before 500 ms of quiet):',
    '',
    ...table(
      ['Target', 'Starts', 'All ready s', 'Settled s', 'Frames per socket', 'Failed attempts'],
      outcome.targets.map((t) => {
        const rs = outcome.steps.filter((s) => s.target === t).flatMap((s) => s.results).filter((r) => r.connect.clients > 0);
        const failures: Record<string, number> = {};
        for (const r of rs) for (const [k, v] of Object.entries(r.connect.failures)) failures[k] = (failures[k] ?? 0) + v;
        return [
          t,
          String(rs.length),
          spread(rs.map((r) => r.connect.readyMs), seconds),
          spread(rs.map((r) => r.connect.settledMs), seconds),
          (med(rs.map((r) => r.connect.frames / r.connect.clients)) || 0).toFixed(1),
          reasons(failures),
        ];
      }),
    ),
  );
  return lines;
}
