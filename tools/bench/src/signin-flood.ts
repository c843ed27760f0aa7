import { int, med, ms, percent, spread, table } from './format.ts';
import { crashed } from './knee.ts';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';
import { FloodAccounts, SignInFlooder, type SignInCounts } from './signin-flooder.ts';
import type { BenchTarget } from './target.ts';

export interface SignInFloodOptions extends Omit<LoadOptions, 'serverEnv' | 'alongside'> {
  reps: number;
  /** Wrong sign-ins in flight at once during the flood condition. */
  flooders: number;
  /** More gateway settings for both conditions (e.g. PASSWORD_HASH_CONCURRENCY), over the raised throttle. */
  gatewayEnv?: Readonly<Record<string, string>> | undefined;
}

export type Condition = 'quiet' | 'flood';

/** One repetition: the same load on two fresh gateways, without and with the flood. */
export interface FloodRep {
  quiet: LoadResult;
  flood: LoadResult;
  signIns: SignInCounts;
}

export interface SignInFloodOutcome {
  options: SignInFloodOptions;
  target: string;
  reps: FloodRep[];
}

/** The bound under test: chat's send → ack p99 under the flood within this factor of the quiet one. */
export const P99_FACTOR_LIMIT = 2;
/**
 * Sign-in throttle limits for both conditions: high enough that no attempt is refused by the
 * throttle (an attacker with many addresses), so the flood reaches argon2's bounded queue.
 */
const THROTTLE_OFF = String(1_000_000_000);
export const FLOOD_GATEWAY_ENV = { SIGN_IN_PER_IP: THROTTLE_OFF, SIGN_IN_PER_HANDLE: THROTTLE_OFF } as const;
/** A generator above this share of a core may be the limit itself. */
const GENERATOR_BUSY_PERCENT = 90;

/**
 * Chat under a flood of wrong sign-ins: in each repetition a fresh gateway with the load alone
 * (quiet) and another with the load and `flooders` wrong sign-ins in flight the whole time;
 * the order alternates between repetitions so drift of a noisy machine lands on both.
 */
export async function runSignInFlood(target: BenchTarget, options: SignInFloodOptions, log: (line: string) => void): Promise<SignInFloodOutcome> {
  const accounts = new FloodAccounts();
  const reps: FloodRep[] = [];
  const base: LoadOptions = { ...options, serverEnv: { ...FLOOD_GATEWAY_ENV, ...options.gatewayEnv } };
  for (let rep = 0; rep < options.reps; rep++) {
    const order: Condition[] = rep % 2 === 0 ? ['quiet', 'flood'] : ['flood', 'quiet'];
    const done: Partial<FloodRep> = {};
    for (const condition of order) {
      const flooder = condition === 'flood' ? new SignInFlooder({ concurrency: options.flooders, accounts }) : undefined;
      const result = await runLoad(target, { ...base, alongside: flooder }).catch((error: unknown) => crashed(target, options.rate, error));
      done[condition] = result;
      if (flooder) done.signIns = flooder.counts();
      log(
        `${target.name}, ${condition}, rep ${rep + 1}/${options.reps}: ack p99 ${ms(result.ack?.p99 ?? Number.NaN)} ms, ` +
          `delivery p99 ${ms(result.latency.p99)} ms, delivered ${result.delivered}/${result.expected}` +
          `${flooder ? `, sign-ins ${signInMix(flooder.counts())}` : ''}${result.errorCount ? `, ${result.errorCount} errors: ${result.errorSamples[0]}` : ''}`,
      );
    }
    const { quiet, flood, signIns } = done;
    if (!quiet || !flood || !signIns) throw new Error('a repetition must run both conditions');
    reps.push({ quiet, flood, signIns });
  }
  return { options, target: target.name, reps };
}

const ackP99 = (r: LoadResult) => r.ack?.p99 ?? Number.NaN;
const cpuPercent = (r: LoadResult, cpu: number) => (cpu / r.windowS) * 100;
const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const clean = (r: LoadResult) => r.lost === 0 && r.duplicates === 0 && r.errorCount === 0 && r.sent > 0;

function signInMix(c: SignInCounts): string {
  const entries = Object.entries(c.byStatus).sort((a, b) => b[1] - a[1]);
  return `${(c.answers / c.windowS).toFixed(1)}/s (${entries.map(([status, n]) => `${status} ×${n}`).join(', ') || 'none answered'})`;
}

export interface FloodVerdict {
  pass: boolean;
  /** Per repetition, flood ack p99 / quiet ack p99; and their median. */
  ratios: number[];
  medianRatio: number;
  line: string;
}

/** PASS when the median over repetitions of (flood ack p99 / quiet ack p99) is ≤ 2 and chat lost nothing. */
export function floodVerdict(reps: readonly FloodRep[]): FloodVerdict {
  const ratios = reps.map((r) => ackP99(r.flood) / ackP99(r.quiet));
  const medianRatio = med(ratios);
  const unclean = reps.flatMap((r) => [r.quiet, r.flood]).filter((r) => !clean(r)).length;
  const reached = reps.reduce((sum, r) => sum + r.signIns.answers, 0);
  const within = Number.isFinite(medianRatio) && medianRatio <= P99_FACTOR_LIMIT;
  const pass = within && unclean === 0 && reached > 0;
  const why = [
    `median ratio ${ratio(medianRatio)} over ${reps.length} repetition(s)`,
    unclean > 0 ? `${unclean} run(s) lost messages, duplicated or erred` : 'every message delivered once, no error',
    reached === 0 ? 'but no sign-in was answered: the flood did not reach the server' : '',
  ].filter(Boolean);
  return { pass, ratios, medianRatio, line: `**${pass ? 'PASS' : 'FAIL'}**: flood ack p99 ≤ ${P99_FACTOR_LIMIT} × quiet ack p99 (${why.join('; ')}).` };
}

function conditionRow(condition: Condition, rs: readonly LoadResult[]): string[] {
  const delivered = rs.reduce((sum, r) => sum + r.delivered, 0);
  const expected = rs.reduce((sum, r) => sum + r.expected, 0);
  const errors = rs.reduce((sum, r) => sum + r.errorCount, 0);
  const p99s = (pick: (r: LoadResult) => number) => `${ms(med(rs.map(pick)))} (${rs.map((r) => ms(pick(r))).join(', ')})`;
  return [
    condition,
    percent(delivered, expected),
    ms(med(rs.map((r) => r.ack?.p50 ?? Number.NaN))),
    p99s(ackP99),
    ms(med(rs.map((r) => r.latency.p50))),
    p99s((r) => r.latency.p99),
    int(med(rs.map((r) => cpuPercent(r, r.serverCpuSeconds)))),
    int(med(rs.map((r) => cpuPercent(r, r.postgresCpuSeconds)))),
    spread(rs.map((r) => cpuPercent(r, r.generatorCpuSeconds)), int),
    errors === 0 ? '0' : `${errors}: ${rs.flatMap((r) => r.errorSamples)[0] ?? ''}`,
  ];
}

export function renderSignInFlood(outcome: SignInFloodOutcome): string[] {
  const { options, reps } = outcome;
  const { rooms, roomSize } = options.population;
  const quiet = reps.map((r) => r.quiet);
  const flood = reps.map((r) => r.flood);
  const verdict = floodVerdict(reps);
  const statuses = [...new Set(reps.flatMap((r) => Object.keys(r.signIns.byStatus)))].filter((s) => !['401', '429', '503'].includes(s));
  const extraEnv = Object.entries(options.gatewayEnv ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  const generatorBusy = [...quiet, ...flood].some((r) => cpuPercent(r, r.generatorCpuSeconds) >= GENERATOR_BUSY_PERCENT);
  return [
    `## Sign-in flood: chat on ${outcome.target} while ${int(options.flooders)} wrong sign-ins run at once`,
    '',
    `${int(rooms * roomSize)} sockets in ${int(rooms)} rooms of ${int(roomSize)}, ${int(options.rate)} msg/s in all. Each repetition runs two fresh gateways ` +
      `(the order alternates): **quiet**, the load alone; **flood**, the load while ${int(options.flooders)} wrong sign-ins are in flight from before the ` +
      `${options.warmupMs / 1000} s warm-up to the end of the ${options.durationMs / 1000} s measured window (each flooder sends the next as soon as one is ` +
      `answered; 3 in 4 guess a real account's password, 1 in 4 an unknown handle; both cost one argon2 verify). The sign-in throttle is raised out of the ` +
      "way in both conditions (SIGN_IN_PER_IP, SIGN_IN_PER_HANDLE): with its defaults one address is answered 429 after 100 attempts, cheaply, and " +
      'never reaches argon2; this is an attacker with many addresses. ' +
      (extraEnv ? `Gateway settings for both conditions: ${extraEnv}.` : "The password queue keeps the gateway's defaults."),
    '',
    "Chat (medians of the repetitions; each repetition's p99 in brackets; ack = send → durable `chat_ack`, delivery = send → `chat_event` at another member; " +
      'CPU in % of one core over the measured window; Generator = this process: the load and the flooders):',
    '',
    ...table(
      ['Condition', 'Delivered', 'ack p50 ms', 'ack p99 ms', 'delivery p50 ms', 'delivery p99 ms', 'Server CPU %', 'Postgres CPU %', 'Generator CPU %', 'Errors'],
      [conditionRow('quiet', quiet), conditionRow('flood', flood)],
    ),
    '',
    'Sign-ins answered in the measured window of each flood run (401 wrong password, 429 throttled, 503 password queue full):',
    '',
    ...table(
      ['Rep', 'Answered/s', '401', '429', '503', ...statuses, 'answer p50 ms', 'answer p99 ms', 'ack p99 × quiet', 'delivery p99 × quiet'],
      [
        ...reps.map((r, i) => [
          String(i + 1),
          (r.signIns.answers / r.signIns.windowS).toFixed(1),
          ...['401', '429', '503', ...statuses].map((s) => int(r.signIns.byStatus[s] ?? 0)),
          ms(r.signIns.latency.p50),
          ms(r.signIns.latency.p99),
          ratio(ackP99(r.flood) / ackP99(r.quiet)),
          ratio(r.flood.latency.p99 / r.quiet.latency.p99),
        ]),
        ...(reps.length > 1
          ? [
              [
                'median',
                med(reps.map((r) => r.signIns.answers / r.signIns.windowS)).toFixed(1),
                ...Array.from({ length: 3 + statuses.length }, () => ''),
                ms(med(reps.map((r) => r.signIns.latency.p50))),
                ms(med(reps.map((r) => r.signIns.latency.p99))),
                ratio(verdict.medianRatio),
                ratio(med(reps.map((r) => r.flood.latency.p99 / r.quiet.latency.p99))),
              ],
            ]
          : []),
      ],
    ),
    '',
    verdict.line,
    ...(generatorBusy ? ['', `The generator used ≥ ${GENERATOR_BUSY_PERCENT} % of a core in some run: it, not the gateway, may set these figures.`] : []),
  ];
}
